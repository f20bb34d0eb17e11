import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LogView } from '@/features/logs/components/log-view';
import { MAX_DISPLAY_CHARS, displayLine, inert } from '@/lib/inert-text';

describe('log rendering', () => {
  it('shows HTML from an app as text: no element is created, no handler can run', () => {
    const hostile = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '<b>bold?</b>'];
    render(<LogView lines={hostile} label="error log" follow={false} />);
    const log = screen.getByRole('log', { name: 'error log' });
    expect(log.querySelector('img, script, b')).toBeNull();
    for (const line of hostile) expect(within(log).getByText(line)).toBeInTheDocument();
  });

  it('shows ANSI and other terminal escapes as inert symbols, never as styling', () => {
    const line = '\u001b[31mred\u001b[0m \u001b]0;title\u0007 bell\u0007 \u009b2J done';
    render(<LogView lines={[line]} label="server log" follow={false} />);
    const log = screen.getByRole('log', { name: 'server log' });
    expect(log.textContent).toContain('^[[31mred^[[0m');
    expect(log.textContent).toContain('^[]0;title^G');
    expect(log.textContent).toContain('<9B>2J');
    expect(log.querySelectorAll('.ctl')).toHaveLength(6);
    // eslint-disable-next-line no-control-regex -- asserting no control character survives
    expect(log.textContent).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(log.querySelectorAll('[style*="color"]')).toHaveLength(0);
  });

  it('neutralises bidirectional overrides that would reorder text', () => {
    expect(inert('ok \u202Eevil\u202C')).toBe('ok <U+202E>evil<U+202C>');
    expect(inert('tab\tstays')).toBe('tab\tstays');
  });

  it('cuts a 1 MB line for display and says how much is hidden', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const started = performance.now();
    render(<LogView lines={['before', huge, 'after']} label="big" follow={false} />);
    expect(performance.now() - started).toBeLessThan(1000);
    const log = screen.getByRole('log', { name: 'big' });
    expect(log.textContent!.length).toBeLessThan(MAX_DISPLAY_CHARS + 500);
    expect(screen.getByText(/1,046,576 more characters/)).toBeInTheDocument();
    expect(displayLine(huge).hidden).toBe(huge.length - MAX_DISPLAY_CHARS);
  });

  it('renders only the rows in view, however many lines there are', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    render(<LogView lines={lines} label="many" follow={false} />);
    const rows = screen.getByRole('log', { name: 'many' }).querySelectorAll('.log-line');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(200);
  });

  it('says so when there is nothing yet', () => {
    render(<LogView lines={[]} label="empty" follow />);
    expect(screen.getByText('Nothing logged yet.')).toBeInTheDocument();
  });
});

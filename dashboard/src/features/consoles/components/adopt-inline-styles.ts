// xterm.js writes its computed CSS (cell sizes, theme, scrollbar) into
// <style> elements. The dashboard's Content-Security-Policy (`style-src
// 'self'`) refuses to apply those, and says so in the console each time.
// So while xterm builds its DOM, the <style> elements it asks for are inert
// look-alikes (same tag name, a private namespace: no browser treats them as
// CSS), and their text is applied through constructable stylesheets, i.e.
// the CSSOM, which style-src does not govern (CodeMirror styles itself the
// same way). The policy stays strict and the console stays quiet.

const INERT_NAMESPACE = 'urn:pyhost:inert-style';

/** Runs `build` with document.createElement('style') returning inert elements. */
export function withInertStyleElements<T>(build: () => T): T {
  const doc = document;
  const original = Document.prototype.createElement;
  const patched = function (this: Document, tagName: string, options?: ElementCreationOptions) {
    if (tagName.toLowerCase() === 'style') return doc.createElementNS(INERT_NAMESPACE, 'style');
    return original.call(this, tagName, options);
  };
  Object.defineProperty(doc, 'createElement', { value: patched, configurable: true, writable: true });
  try {
    return build();
  } finally {
    delete (doc as { createElement?: unknown }).createElement;
  }
}

/** Applies the text of every (inert or real) style element under `root` as adopted stylesheets; returns the clean-up. */
export function adoptInlineStyles(root: HTMLElement): () => void {
  if (typeof CSSStyleSheet === 'undefined' || !('replaceSync' in CSSStyleSheet.prototype) || !('adoptedStyleSheets' in document)) {
    return () => {};
  }
  const sheets = new Map<Element, CSSStyleSheet>();
  const ours = new Set<CSSStyleSheet>();
  const apply = () => {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets.filter((s) => !ours.has(s)), ...sheets.values()];
  };
  const sync = () => {
    // The type selector matches <style> in any namespace, the inert ones included.
    const present = new Set<Element>(root.querySelectorAll('style'));
    for (const el of sheets.keys()) if (!present.has(el)) sheets.delete(el);
    for (const el of present) {
      let sheet = sheets.get(el);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheets.set(el, sheet);
        ours.add(sheet);
      }
      sheet.replaceSync(el.textContent ?? '');
    }
    apply();
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, { subtree: true, childList: true, characterData: true });
  sync();
  return () => {
    observer.disconnect();
    sheets.clear();
    apply();
  };
}

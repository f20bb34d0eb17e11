// A website as GET …/websites/{domain}/ answers it (control-plane schemas), for the website page's tests.

export function websiteJson(domain: string, over: Record<string, unknown> = {}) {
  return {
    id: 3,
    user: 'alice',
    domain_name: domain,
    enabled: true,
    python_version: '3.11',
    webapp: { id: 3, command: 'python3 serve.py', domains: [{ domain_name: domain, enabled: true }] },
    logfiles: { access: `/var/log/${domain}.access.log`, error: `/var/log/${domain}.error.log`, server: `/var/log/${domain}.server.log` },
    state: 'running',
    last_error: null,
    dns_status: null,
    custom_domain: null,
    ...over,
  };
}

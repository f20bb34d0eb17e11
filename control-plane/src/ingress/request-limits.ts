// The request heads the router lets through, stated once. The gateway sets
// both WSGI servers up to take every head within these limits, together
// with the up to 8 header fields the router writes itself
// (docs/runtime-contract.md, "Request heads"); anything beyond is refused
// here, at the edge, because an app server that cannot take a head does
// not always say so: uWSGI answers nothing and holds the worker for its
// 4 s socket timeout, while other requests to that app wait.

/** Request line and header fields, as Node's parser counts them; 431 beyond. Node's default (16 KiB) is smaller than the cookies some apps set; nginx allows 4 × 8 KiB. */
export const MAX_HEADER_BYTES = 32 * 1024;

/** Header fields; 431 beyond (uWSGI's request variables and gunicorn's field limit are sized for this plus the router's own). */
export const MAX_HEADER_FIELDS = 100;

/** The request target (URL); 414 beyond. uWSGI holds it twice among its request variables, a block of at most 64 KiB. */
export const MAX_TARGET_BYTES = 30 * 1024;

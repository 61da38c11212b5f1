import helmet from 'helmet';

/** The security headers every response carries (helmet; no CSP: the web UI sets its own where it serves HTML). */
export const securityHeaders = () => helmet({ contentSecurityPolicy: false });

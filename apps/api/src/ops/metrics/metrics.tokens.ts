/** This app instance's own registry (HTTP histogram, scrape-time gauges); merged with the shared one on scrape. */
export const APP_METRICS = Symbol('APP_METRICS');

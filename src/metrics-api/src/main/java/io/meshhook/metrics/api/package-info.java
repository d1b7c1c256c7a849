/** The metrics-api function: rates, trends, summaries, the live stream and the dashboard, per tenant. */
package io.meshhook.metrics.api;

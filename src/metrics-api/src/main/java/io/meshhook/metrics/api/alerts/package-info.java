/** Alert rules, their history and state, and the backtest: the user-facing half of threshold alerts (issue 4). */
package io.meshhook.metrics.api.alerts;

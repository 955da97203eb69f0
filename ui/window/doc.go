// Package window is idlenode's window: first run, dashboard, settings,
// wallet and activity log. It runs in its own process (`idlenode window`),
// started from the tray, and reaches the node service only through the
// local API's client: it watches the stream of state snapshots and sends
// commands. It holds no node logic, and closing it never stops the work.
//
// Logic lives out of widgets: view-model functions turn an app.State (or a
// wallet answer) into the strings the widgets show, and are table-tested;
// the widgets only display them and call the Client.
package window

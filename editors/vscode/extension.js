// Starts `barometer lsp` for .rules and .events files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("barometer").get("command");
  client = new LanguageClient(
    "barometer",
    "barometer",
    { command, args },
    { documentSelector: [{ language: "barometer-rules" }, { language: "barometer-events" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

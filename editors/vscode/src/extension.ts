// Starts `akslint server` and connects VS Code's language client to it. All the logic lives in
// the server; the extension only finds the binary and passes the settings.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const configured = vscode.workspace
    .getConfiguration("akslint")
    .get<string>("path", "")
    .trim();
  // An empty setting means PATH: the usual case after `cargo install akslint`.
  const command = configured.length > 0 ? configured : "akslint";
  return { command, args: ["server"] };
}

function clientOptions(): LanguageClientOptions {
  const settings = vscode.workspace.getConfiguration("akslint");
  return {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      { scheme: "file", language: "jsonc" },
      { scheme: "untitled", language: "yaml" },
    ],
    // The server reads these once at start; a change restarts it (see below).
    initializationOptions: {
      select: settings.get<string[]>("select", []),
      ignore: settings.get<string[]>("ignore", []),
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{akslint.toml,.akslint.toml}",
      ),
    },
  };
}

async function start(): Promise<void> {
  client = new LanguageClient(
    "akslint",
    "akslint",
    serverOptions(),
    clientOptions(),
  );
  await client.start();
}

async function restart(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("akslint.restart", restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("akslint")) {
        await restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
}

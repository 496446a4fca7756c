// Starts `akslint server` and connects VS Code's language client to it. All the logic lives in
// the server; the extension only finds the binary and passes the settings.
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const configured = vscode.workspace
    .getConfiguration("akslint")
    .get<string>("path", "")
    .trim();
  // The setting wins; then a binary bundled in the package (`bin/akslint[.exe]`, for
  // platform-specific builds); then `akslint` on PATH, the usual case after `cargo install`.
  const bundled = context.asAbsolutePath(
    path.join("bin", process.platform === "win32" ? "akslint.exe" : "akslint"),
  );
  const command =
    configured.length > 0
      ? configured
      : fs.existsSync(bundled)
        ? bundled
        : "akslint";
  return { command, args: ["server"] };
}

function clientOptions(): LanguageClientOptions {
  const settings = vscode.workspace.getConfiguration("akslint");
  return {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      { scheme: "file", language: "jsonc" },
      // Bicep files are linted natively once akslint reads Bicep (issue 5); until then they
      // have no findings.
      { scheme: "file", language: "bicep" },
      // Chart templates (the Helm extension's language): findings only with renderHelmCharts.
      { scheme: "file", language: "helm" },
      { scheme: "untitled", language: "yaml" },
    ],
    // The server reads these once at start; a change restarts it (see below).
    initializationOptions: {
      select: settings.get<string[]>("select", []),
      ignore: settings.get<string[]>("ignore", []),
      renderHelmCharts: settings.get<boolean>("renderHelmCharts", false),
    },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{akslint.toml,.akslint.toml}",
      ),
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient(
    "akslint",
    "akslint",
    serverOptions(context),
    clientOptions(),
  );
  await client.start();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("akslint.restart", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("akslint")) {
        await restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
}

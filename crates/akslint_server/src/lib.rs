//! The akslint language server (`akslint server`): diagnostics as you type, code actions (the
//! rule's fix, suppressions with a reason, fix-all), hover docs and configuration reload.
//!
//! Built on `lsp-server` (a synchronous main loop over channels) rather than `tower-lsp-server`:
//! the tower-lsp family runs notifications concurrently, so `didChange` ordering would need
//! guardrails of our own, while one loop applies every message in the order received by
//! construction. It is also the lighter choice, measured in a scratch crate on this machine:
//! `lsp-server` + `lsp-types` + `crossbeam-channel` are 27 crates and a 9.9 s clean debug
//! build; `tower-lsp-server` with tokio is 61 crates and 17.7 s. Linting runs on worker threads so that a large document never blocks the loop;
//! each result carries the version it was computed for and is dropped if the document has moved
//! on. No rule logic lives here: everything goes through `akslint_workspace`.

mod actions;
mod convert;
mod document;
mod hover;
mod templates;

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use akslint_diagnostics::Diagnostic;
use akslint_workspace::{Configurations, FixOptions, Overrides, TemplateBuffers, fix_text};
use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, HoverRequest, RegisterCapability, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DiagnosticOptions, DiagnosticServerCapabilities,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileSystemWatcher,
    FullDocumentDiagnosticReport, GlobPattern, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams,
    RelatedFullDocumentDiagnosticReport, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde::Deserialize;

pub use document::Encoding;
use document::{Document, is_lintable, uri_to_path};

/// Settings the client sends as `initializationOptions` (the VS Code extension's `akslint.*`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClientSettings {
    /// Rules to select, as `--select`.
    select: Vec<String>,
    /// Rules to ignore, as `--ignore`.
    ignore: Vec<String>,
    /// Lint chart templates by rendering their chart with `helm` (otherwise they are left
    /// alone: they are Go templates, not YAML).
    #[serde(rename = "renderHelmCharts")]
    render_helm_charts: bool,
}

/// The result of linting one version of one document on a worker thread.
struct LintResult {
    uri: Uri,
    version: i32,
    /// The findings, or why the configuration could not be loaded.
    diagnostics: Result<Vec<Diagnostic>, String>,
}

/// An open document and its latest findings.
struct Entry {
    document: Document,
    /// A chart template: linted only by rendering its chart (see [`templates`]).
    go_template: bool,
    /// The findings and the version they were computed for.
    findings: Option<(i32, Arc<Vec<Diagnostic>>)>,
}

struct Server {
    connection: Connection,
    encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`): they are not pushed then, or
    /// it would show them twice.
    pull: bool,
    overrides: Overrides,
    configurations: Arc<Configurations>,
    /// Renders the charts of edited templates, when the client opted in.
    charts: Option<Arc<TemplateBuffers>>,
    documents: HashMap<Uri, Entry>,
    /// Documents to lint, and from when (a document that a worker is linting waits for it).
    pending: HashMap<Uri, Instant>,
    /// Documents being linted on a worker: at most one worker per document, so that fast typing
    /// in a large file never piles up threads linting versions nobody will see.
    in_flight: HashSet<Uri>,
    results: (Sender<LintResult>, Receiver<LintResult>),
    next_request: i32,
}

/// Runs the server over stdin and stdout until the client says `exit`.
///
/// # Errors
/// When the connection breaks or the client violates the protocol, or the command-line
/// configuration is invalid.
pub fn run_stdio() -> Result<(), Box<dyn Error + Send + Sync>> {
    let (connection, io_threads) = Connection::stdio();
    run(connection)?;
    io_threads.join()?;
    Ok(())
}

/// Runs the server on an established connection until the client says `exit`.
///
/// # Errors
/// When the connection breaks or the client violates the protocol.
pub fn run(connection: Connection) -> Result<(), Box<dyn Error + Send + Sync>> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = negotiate_encoding(&params);
    let pull = pulls_diagnostics(&params);
    let settings: ClientSettings = params
        .initialization_options
        .clone()
        .and_then(|options| serde_json::from_value(options).ok())
        .unwrap_or_default();
    let overrides = Overrides {
        select: settings.select,
        ignore: settings.ignore,
        ..Overrides::default()
    };
    // Invalid rule names in the client's settings are reported, then ignored.
    let (configurations, warning) = match Configurations::new(None, overrides.clone()) {
        Ok(c) => (c, None),
        Err(e) => (Configurations::new(None, Overrides::default())?, Some(e.0)),
    };
    let result = serde_json::json!({
        "capabilities": capabilities(encoding, pull),
        "serverInfo": ServerInfo {
            name: "akslint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        encoding,
        pull,
        overrides,
        configurations: Arc::new(configurations),
        charts: settings
            .render_helm_charts
            .then(|| Arc::new(TemplateBuffers::default())),
        documents: HashMap::new(),
        pending: HashMap::new(),
        in_flight: HashSet::new(),
        results: crossbeam_channel::unbounded(),
        next_request: 0,
    };
    if let Some(message) = warning {
        server.show_message(&message);
    }
    if watches_files(&params) {
        server.watch_config_files()?;
    }
    server.main_loop()
}

/// UTF-8 when the client offers it (no conversion of columns), else UTF-16, which every client
/// must support.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// Whether the client asks for diagnostics itself (LSP 3.17 pull diagnostics).
fn pulls_diagnostics(params: &InitializeParams) -> bool {
    params
        .capabilities
        .text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some())
}

fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

fn capabilities(encoding: Encoding, pull: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(actions::FIX_ALL_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("akslint".to_owned()),
                // A file's findings depend on others (a ServiceAccount, a parameter file).
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })
        }),
        ..ServerCapabilities::default()
    }
}

/// Whether a changed file is an akslint configuration file.
fn is_config_file(uri: &Uri) -> bool {
    uri.as_str()
        .rsplit('/')
        .next()
        .is_some_and(|name| name == "akslint.toml" || name == ".akslint.toml")
}

impl Server {
    fn main_loop(&mut self) -> Result<(), Box<dyn Error + Send + Sync>> {
        loop {
            // Before waiting, not only on timeouts: a steady stream of messages must not starve
            // linting.
            self.lint_due();
            // A document whose worker is busy waits for its result, not for its deadline.
            let timeout = self
                .pending
                .iter()
                .filter(|(uri, _)| !self.in_flight.contains(*uri))
                .map(|(_, deadline)| *deadline)
                .min()
                .map_or(Duration::from_secs(3600), |deadline| {
                    deadline.saturating_duration_since(Instant::now())
                });
            let receiver = self.connection.receiver.clone();
            let results = self.results.1.clone();
            select! {
                recv(receiver) -> message => {
                    let Ok(message) = message else { return Ok(()) };
                    if self.handle(message)? {
                        return Ok(());
                    }
                }
                recv(results) -> result => {
                    if let Ok(result) = result {
                        self.in_flight.remove(&result.uri);
                        self.publish(result)?;
                    }
                }
                // A deadline passed: the next turn of the loop lints.
                default(timeout) => {}
            }
        }
    }

    /// Handles one message; `true` when the server must stop.
    fn handle(&mut self, message: Message) -> Result<bool, Box<dyn Error + Send + Sync>> {
        match message {
            Message::Request(request) => {
                if self.connection.handle_shutdown(&request)? {
                    return Ok(true);
                }
                let response = self.request(request);
                self.connection.sender.send(response.into())?;
            }
            Message::Notification(notification) => self.notification(notification)?,
            // Answers to our registration request: nothing to do either way.
            Message::Response(_) => {}
        }
        Ok(false)
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            CodeActionRequest::METHOD => request
                .extract(CodeActionRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, params)| serde_json::to_value(self.code_actions(&params))),
            HoverRequest::METHOD => request
                .extract(HoverRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, params)| serde_json::to_value(self.hover(&params))),
            DocumentDiagnosticRequest::METHOD => request
                .extract(DocumentDiagnosticRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, params)| serde_json::to_value(self.pulled_diagnostics(&params))),
            other => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("akslint does not handle `{other}`"),
                );
            }
        };
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        }
    }

    fn notification(
        &mut self,
        notification: Notification,
    ) -> Result<(), Box<dyn Error + Send + Sync>> {
        let Notification { method, params } = notification;
        match method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(params) = parse_params::<DidOpenTextDocumentParams>(&method, params)
                else {
                    return Ok(());
                };
                let item = params.text_document;
                let path = uri_to_path(&item.uri, &item.language_id);
                if !is_lintable(&item.language_id, &path) {
                    return Ok(());
                }
                let go_template = templates::is_go_template(&item.language_id, &path);
                let document = Document::new(path, item.text, item.version);
                self.documents.insert(
                    item.uri.clone(),
                    Entry {
                        document,
                        go_template,
                        findings: None,
                    },
                );
                // Opening shows findings at once: no reason to wait for more typing.
                self.pending.insert(item.uri, Instant::now());
            }
            DidChangeTextDocument::METHOD => {
                let Some(params) = parse_params::<DidChangeTextDocumentParams>(&method, params)
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                if let Some(entry) = self.documents.get_mut(&uri) {
                    entry.document.apply_changes(
                        params.content_changes,
                        params.text_document.version,
                        self.encoding,
                    );
                    // Linted at once, with no debounce: a document is linted by one worker at
                    // a time, so the changes that come while it works are linted together, as
                    // soon as it is done.
                    self.pending.insert(uri, Instant::now());
                }
            }
            DidSaveTextDocument::METHOD => {
                let Some(params) = parse_params::<DidSaveTextDocumentParams>(&method, params)
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                if is_config_file(&uri) {
                    self.reload_configuration();
                } else if self.documents.contains_key(&uri) {
                    self.pending.insert(uri, Instant::now());
                }
            }
            DidCloseTextDocument::METHOD => {
                let Some(params) = parse_params::<DidCloseTextDocumentParams>(&method, params)
                else {
                    return Ok(());
                };
                let uri = params.text_document.uri;
                self.pending.remove(&uri);
                if self.documents.remove(&uri).is_some() {
                    self.send_diagnostics(uri, Vec::new(), None)?;
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Some(params) = parse_params::<DidChangeWatchedFilesParams>(&method, params)
                else {
                    return Ok(());
                };
                if params.changes.iter().any(|c| is_config_file(&c.uri)) {
                    self.reload_configuration();
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Forgets every loaded configuration (they are found again per file) and relints.
    fn reload_configuration(&mut self) {
        match Configurations::new(None, self.overrides.clone()) {
            Ok(configurations) => self.configurations = Arc::new(configurations),
            Err(e) => self.show_message(&e.0),
        }
        let now = Instant::now();
        for uri in self.documents.keys() {
            self.pending.insert(uri.clone(), now);
        }
    }

    /// Starts a worker for every document due and not being linted already.
    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(uri, deadline)| **deadline <= now && !self.in_flight.contains(*uri))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            let Some(entry) = self.documents.get(&uri) else {
                continue;
            };
            let path = entry.document.path.clone();
            let text = entry.document.text.clone();
            let version = entry.document.version;
            let go_template = entry.go_template;
            let configurations = Arc::clone(&self.configurations);
            let charts = self.charts.clone();
            let sender = self.results.0.clone();
            self.in_flight.insert(uri.clone());
            // Linting turns a panic into a finding, so a result always comes back and the
            // document never stays in flight.
            std::thread::spawn(move || {
                let diagnostics = templates::lint_document(
                    &path,
                    text,
                    go_template,
                    &configurations,
                    charts.as_deref(),
                )
                .map_err(|e| e.0);
                // The loop may have stopped meanwhile: then nobody wants the result.
                let _ = sender.send(LintResult {
                    uri,
                    version,
                    diagnostics,
                });
            });
        }
    }

    /// Publishes a worker's result unless the document changed (or closed) since.
    fn publish(&mut self, result: LintResult) -> Result<(), Box<dyn Error + Send + Sync>> {
        let Some(entry) = self.documents.get(&result.uri) else {
            return Ok(());
        };
        if entry.document.version != result.version {
            return Ok(());
        }
        let path = entry.document.path.display().to_string();
        let diagnostics = match result.diagnostics {
            Ok(diagnostics) => diagnostics,
            Err(message) => {
                // A broken akslint.toml: say so, and show no findings rather than wrong ones.
                let message = format!("{path}: {message}");
                self.show_message(&message);
                Vec::new()
            }
        };
        let Some(entry) = self.documents.get_mut(&result.uri) else {
            return Ok(());
        };
        let lsp = diagnostics
            .iter()
            .map(|d| convert::to_lsp(d, &entry.document, &result.uri, self.encoding))
            .collect();
        entry.findings = Some((result.version, Arc::new(diagnostics)));
        self.send_diagnostics(result.uri, lsp, Some(result.version))
    }

    /// The findings of a document for a pull request, linted now when the latest version has
    /// not been linted yet (so they never lag behind the text).
    fn pulled_diagnostics(
        &mut self,
        params: &DocumentDiagnosticParams,
    ) -> DocumentDiagnosticReportResult {
        let uri = &params.text_document.uri;
        let findings = self.findings(uri).unwrap_or_default();
        let (items, version) = match self.documents.get(uri) {
            Some(entry) => (
                findings
                    .iter()
                    .map(|d| convert::to_lsp(d, &entry.document, uri, self.encoding))
                    .collect(),
                Some(entry.document.version),
            ),
            None => (Vec::new(), None),
        };
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: version.map(|v| v.to_string()),
                    items,
                },
            },
        ))
    }

    fn send_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Box<dyn Error + Send + Sync>> {
        if self.pull {
            return Ok(());
        }
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.connection
            .sender
            .send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into())?;
        Ok(())
    }

    fn show_message(&self, message: &str) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: format!("akslint: {message}"),
        };
        let _ = self.connection.sender.send(
            Notification::new(
                lsp_types::notification::ShowMessage::METHOD.to_owned(),
                params,
            )
            .into(),
        );
    }

    /// Asks the client to tell us about changes to configuration files.
    fn watch_config_files(&mut self) -> Result<(), Box<dyn Error + Send + Sync>> {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: ["**/akslint.toml", "**/.akslint.toml"]
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_owned()),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "akslint-config-watcher".to_owned(),
                method: DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(format!("akslint-{}", self.next_request));
        self.connection
            .sender
            .send(Request::new(id, RegisterCapability::METHOD.to_owned(), params).into())?;
        Ok(())
    }

    /// The findings of the document's current version: the published ones when they are
    /// current, else linted now (an action must never be computed from stale offsets).
    fn findings(&mut self, uri: &Uri) -> Option<Arc<Vec<Diagnostic>>> {
        let entry = self.documents.get_mut(uri)?;
        let version = entry.document.version;
        if let Some((v, findings)) = &entry.findings
            && *v == version
        {
            return Some(Arc::clone(findings));
        }
        let text = entry.document.text.clone();
        let findings = templates::lint_document(
            &entry.document.path,
            text,
            entry.go_template,
            &self.configurations,
            self.charts.as_deref(),
        );
        // An invalid configuration becomes no findings (publishing reports it to the user).
        let findings = Arc::new(findings.unwrap_or_default());
        entry.findings = Some((version, Arc::clone(&findings)));
        Some(findings)
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(findings) = self.findings(uri) else {
            return Vec::new();
        };
        let Some(entry) = self.documents.get(uri) else {
            return Vec::new();
        };
        let document = &entry.document;
        let only = params.context.only.as_deref();
        let mut out = Vec::new();
        if actions::wanted(CodeActionKind::QUICKFIX.as_str(), only) {
            out.extend(
                actions::quick_fixes(document, uri, &findings, params.range, self.encoding)
                    .into_iter()
                    .map(CodeActionOrCommand::CodeAction),
            );
        }
        if actions::wanted(actions::FIX_ALL_KIND, only) && findings.iter().any(|d| d.fix.is_some())
        {
            let fixed = fix_text(
                &document.path,
                document.text.clone(),
                &self.configurations,
                FixOptions::default(),
            );
            if let Ok((fixed, _)) = fixed {
                out.push(CodeActionOrCommand::CodeAction(actions::fix_all(
                    document,
                    uri,
                    &fixed.fixed,
                    self.encoding,
                )));
            }
        }
        out
    }

    fn hover(&mut self, params: &HoverParams) -> Option<Hover> {
        let uri = &params.text_document_position_params.text_document.uri;
        let findings = self.findings(uri)?;
        let document = &self.documents.get(uri)?.document;
        let offset = document.offset(params.text_document_position_params.position, self.encoding);
        let markdown = hover::hover(document, &findings, offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: None,
        })
    }
}

/// The parameters of a notification. Malformed ones are reported on stderr and skipped (a
/// notification has no response to carry an error): a client's mistake must not stop the
/// server.
fn parse_params<T: serde::de::DeserializeOwned>(
    method: &str,
    params: serde_json::Value,
) -> Option<T> {
    match serde_json::from_value(params) {
        Ok(params) => Some(params),
        Err(error) => {
            eprintln!("akslint server: ignoring a malformed `{method}`: {error}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_for_older_versions_are_dropped() -> Result<(), Box<dyn Error + Send + Sync>> {
        let (connection, client) = Connection::memory();
        let mut server = Server {
            connection,
            encoding: Encoding::Utf16,
            pull: false,
            overrides: Overrides::default(),
            configurations: Arc::new(Configurations::new(None, Overrides::default())?),
            charts: None,
            documents: HashMap::new(),
            pending: HashMap::new(),
            in_flight: HashSet::new(),
            results: crossbeam_channel::unbounded(),
            next_request: 0,
        };
        let uri: Uri = "file:///tmp/pod.yaml".parse()?;
        let document = Document::new("/tmp/pod.yaml".into(), "kind: Pod\n".into(), 3);
        server.documents.insert(
            uri.clone(),
            Entry {
                document,
                go_template: false,
                findings: None,
            },
        );
        let result = |version| LintResult {
            uri: uri.clone(),
            version,
            diagnostics: Ok(Vec::new()),
        };
        server.publish(result(2))?;
        assert!(
            client.receiver.try_recv().is_err(),
            "a stale result was published"
        );
        server.publish(result(3))?;
        let Ok(Message::Notification(published)) = client.receiver.try_recv() else {
            panic!("the current result was not published");
        };
        assert_eq!(published.params["version"], 3);
        Ok(())
    }
}

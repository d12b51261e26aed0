//! The worker's session in-process, for native tests of the page's state: requests go to a
//! [`Session`] directly instead of through `postMessage`, and the user's files are byte slices.

use std::collections::HashMap;

use c360::engine::RunConfig;
use c360_worker::protocol::{Failure, FileRef, RunRequest};
use c360_worker::session::{FileAccess, Session, TaskStep};

use crate::state::inputs::Inputs;
use crate::state::runner::RunView;

/// The user's files by token.
#[derive(Default)]
pub struct Files(pub HashMap<u64, Vec<u8>>);

impl FileAccess for Files {
    fn read(&mut self, file: &FileRef, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let bytes = self.0.get(&file.token).ok_or("no such file")?;
        let from = (offset as usize).min(bytes.len());
        let to = (from + len).min(bytes.len());
        Ok(bytes[from..to].to_vec())
    }
}

/// Runs a request to the end in `session` and commits it.
pub fn run_to_end(
    session: &mut Session,
    files: &mut Files,
    id: u64,
    request: RunRequest,
) -> Result<RunView, Failure> {
    let mut task = session.start(id, request)?;
    loop {
        match task.step(session, files) {
            TaskStep::Progress(_) => {}
            TaskStep::Failed(failure) => return Err(failure),
            TaskStep::Finished => break,
        }
    }
    let summary = session
        .commit(task)
        .unwrap_or_else(|_| panic!("a finished task commits"));
    Ok(summary.into())
}

/// One run of `inputs` (demo files only) with `schema`, in a fresh session.
pub fn execute(inputs: &Inputs, schema: &str, config: &RunConfig) -> Result<RunView, Failure> {
    let request = RunRequest {
        sources: inputs.specs(),
        schema: schema.to_string(),
        config: config.clone(),
        mapping: inputs.mapping_file(),
    };
    run_to_end(&mut Session::new(), &mut Files::default(), 1, request)
}

/// The worker's session behind the page's workspace, in-process: it answers the run the
/// workspace asks for and the page its open table needs, as the worker would.
pub struct Loopback {
    pub session: Session,
    pub files: Files,
    next_id: u64,
}

impl Default for Loopback {
    fn default() -> Self {
        Loopback::new()
    }
}

impl Loopback {
    pub fn new() -> Loopback {
        Loopback {
            session: Session::new(),
            files: Files::default(),
            next_id: 1,
        }
    }

    /// A user's file with these bytes.
    pub fn file(&mut self, name: &str, bytes: &[u8]) -> crate::state::inputs::SourceInput {
        let token = 1000 + self.files.0.len() as u64;
        self.files.0.insert(token, bytes.to_vec());
        crate::state::inputs::SourceInput::user(token, name, bytes.len() as u64)
    }

    /// Posts the workspace's queued run request, as the shell does; returns its id.
    pub fn post(
        &mut self,
        ws: &mut crate::state::workspace::Workspace,
    ) -> Option<(u64, RunRequest)> {
        let request = ws.take_request()?;
        let id = self.next_id;
        self.next_id += 1;
        ws.sent(id);
        Some((id, request))
    }

    /// Answers everything the workspace asks for: its run (with every progress message) and
    /// then the open table's page.
    pub fn settle(&mut self, ws: &mut crate::state::workspace::Workspace) {
        use c360_worker::protocol::{Done, Response, ResponseBody};
        while let Some((id, request)) = self.post(ws) {
            let body = match self.session.start(id, request) {
                Err(failure) => ResponseBody::Failed(failure),
                Ok(mut task) => loop {
                    match task.step(&self.session, &mut self.files) {
                        TaskStep::Progress(p) => ws.receive(Response {
                            id,
                            body: ResponseBody::Progress(p),
                        }),
                        TaskStep::Failed(f) => break ResponseBody::Failed(f),
                        TaskStep::Finished => {
                            let summary = self
                                .session
                                .commit(task)
                                .unwrap_or_else(|_| panic!("a finished task commits"));
                            break ResponseBody::Done(Done::Run(Box::new(summary)));
                        }
                    }
                },
            };
            ws.receive(Response { id, body });
        }
        self.serve_page(ws);
    }

    /// Answers the open table's page request.
    pub fn serve_page(&mut self, ws: &mut crate::state::workspace::Workspace) {
        if let Some(request) = ws.page_request() {
            if let Ok(page) = self.session.page(&request) {
                ws.receive_page(page);
            }
        }
    }
}

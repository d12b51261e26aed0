//! Stand-ins for the engine's stepwise build and push loader while they land: the same
//! names and signatures, the whole work done in one step. Removed once the engine has them.

use c360::engine::source::{self, SourceDef};
use c360::engine::{InputError, RunConfig, RunError, RunOutput, Schema, Sources, Table};

pub struct SourceLoader {
    def: SourceDef,
    name: String,
    bytes: Vec<u8>,
}

impl SourceLoader {
    pub fn new(def: &SourceDef, name: &str) -> SourceLoader {
        SourceLoader { def: *def, name: name.into(), bytes: Vec::new() }
    }
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InputError> {
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }
    pub fn rows(&self) -> usize {
        self.bytes.iter().filter(|&&b| b == b'\n').count().saturating_sub(1)
    }
    pub fn finish(self) -> Result<Table, InputError> {
        source::load(&self.def, &self.name, &self.bytes[..])
    }
}

pub struct StepDone {
    pub index: usize,
    pub name: String,
    pub reused: bool,
}

pub struct Build {
    input: Option<(Sources, Schema, RunConfig)>,
    output: Option<RunOutput>,
}

impl Build {
    pub fn new(sources: Sources, schema: &Schema, config: &RunConfig, _previous: Option<&RunOutput>) -> Build {
        Build { input: Some((sources, schema.clone(), config.clone())), output: None }
    }
    pub fn total(&self) -> usize {
        1
    }
    pub fn step(&mut self) -> Option<Result<StepDone, RunError>> {
        let (sources, schema, config) = self.input.take()?;
        Some(c360::engine::build(sources, &schema, &config).map(|o| {
            self.output = Some(o);
            StepDone { index: 0, name: "build".into(), reused: false }
        }))
    }
    pub fn finish(self) -> RunOutput {
        self.output.expect("stepped to the end")
    }
}

pub fn reused(_output: &RunOutput) -> Vec<String> {
    Vec::new()
}

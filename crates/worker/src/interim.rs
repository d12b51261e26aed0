//! A stand-in for the engine's push loader while it lands: the same names and signatures,
//! the bytes gathered and parsed at the end. Removed once the engine has it.

use c360::engine::source::{self, SourceDef};
use c360::engine::{InputError, Table};

pub struct SourceLoader {
    def: SourceDef,
    name: String,
    bytes: Vec<u8>,
}

impl SourceLoader {
    pub fn new(def: &SourceDef, name: &str) -> SourceLoader {
        SourceLoader {
            def: *def,
            name: name.into(),
            bytes: Vec::new(),
        }
    }
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InputError> {
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }
    pub fn rows(&self) -> usize {
        self.bytes
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1)
    }
    pub fn finish(self) -> Result<Table, InputError> {
        source::load(&self.def, &self.name, &self.bytes[..])
    }
}

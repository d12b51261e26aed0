//! Both sources of a run, loaded together and timed: what a build starts from. One file at
//! a time is the loader's job (`loader.rs`).

use std::io::Read;

use web_time::Instant;

use super::def::SOURCES;
use super::loader;
use crate::engine::source::error::InputError;
use crate::engine::source::mapping::MappingFile;
use crate::engine::value::table::Table;

/// A source file's bytes and the name to use in messages.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The two exports, as bytes (the browser's case).
#[derive(Clone, Copy, Debug)]
pub struct SourceFiles<'a> {
    pub contacts: SourceFile<'a>,
    pub transactions: SourceFile<'a>,
}

/// The loaded sources, with how long each took to parse.
#[derive(Clone, Debug)]
pub struct Sources {
    pub contacts: Table,
    pub transactions: Table,
    /// Seconds spent parsing each, in [`SOURCES`] order.
    pub load_times: [f64; 2],
}

impl Sources {
    /// Parses both exports from readers (the CLI streams files through here).
    pub fn load(
        contacts: (&str, impl Read),
        transactions: (&str, impl Read),
    ) -> Result<Sources, InputError> {
        Sources::load_mapped(contacts, transactions, &MappingFile::new())
    }

    /// [`Sources::load`], reading each source's required columns from the headers `mapping`
    /// names for it (a source it leaves out is read as it is). Files in UTF-16 or
    /// Windows-1252, or separated by semicolons, tabs or pipes, are decoded and rewritten
    /// to comma-separated UTF-8 by the loader's front stage ([`crate::engine::source::decode`]).
    pub fn load_mapped(
        contacts: (&str, impl Read),
        transactions: (&str, impl Read),
        mapping: &MappingFile,
    ) -> Result<Sources, InputError> {
        let start = Instant::now();
        let c = loader::load_mapped(
            &SOURCES[0],
            contacts.0,
            contacts.1,
            mapping.get(&SOURCES[0]),
        )?;
        let mid = Instant::now();
        let t = loader::load_mapped(
            &SOURCES[1],
            transactions.0,
            transactions.1,
            mapping.get(&SOURCES[1]),
        )?;
        let end = Instant::now();
        Ok(Sources {
            contacts: c,
            transactions: t,
            load_times: [(mid - start).as_secs_f64(), (end - mid).as_secs_f64()],
        })
    }

    pub fn from_bytes(files: SourceFiles<'_>) -> Result<Sources, InputError> {
        Sources::load(
            (files.contacts.name, files.contacts.bytes),
            (files.transactions.name, files.transactions.bytes),
        )
    }
}

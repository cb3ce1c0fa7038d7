//! Rendered output kept until it can be written, bounded in memory.

use std::io::{self, Write};

/// A part of a report rendered before it can be written (an audit's summary, a database's
/// document head come first):
/// in memory while small; beyond [`Spool::IN_MEMORY`] the part written so far goes to an
/// anonymous temporary file, in large writes, so that a dump with a hundred thousand
/// findings does not hold its whole JSON in memory.
#[derive(Debug, Default)]
pub struct Spool {
    /// What was written and is not in `file` yet.
    memory: Vec<u8>,
    file: Option<std::fs::File>,
    /// Bytes in `file`.
    spilled: u64,
}

impl Spool {
    const IN_MEMORY: usize = 4 << 20;

    pub fn is_empty(&self) -> bool {
        self.spilled == 0 && self.memory.is_empty()
    }

    /// Copy everything written to `w`.
    pub fn write_to(&self, w: &mut (impl Write + ?Sized)) -> io::Result<()> {
        use std::io::{Read, Seek};
        if let Some(file) = &self.file {
            let mut file = file.try_clone()?;
            file.seek(std::io::SeekFrom::Start(0))?;
            let copied = io::copy(&mut (&mut file).take(self.spilled), w)?;
            if copied != self.spilled {
                return Err(io::Error::other("a spooled report part was cut short"));
            }
        }
        w.write_all(&self.memory)
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.memory.extend_from_slice(buf);
        if self.memory.len() > Self::IN_MEMORY {
            let file = match &mut self.file {
                Some(f) => f,
                None => self.file.insert(tempfile::tempfile()?),
            };
            file.write_all(&self.memory)?;
            self.spilled += self.memory.len() as u64;
            self.memory.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

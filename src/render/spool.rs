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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_larger_than_memory_comes_back_whole() {
        let mut spool = Spool::default();
        let line: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for _ in 0..(Spool::IN_MEMORY / 1000 * 3) {
            spool.write_all(&line).unwrap();
        }
        assert!(spool.file.is_some(), "spilled to a file");
        let mut out = Vec::new();
        spool.write_to(&mut out).unwrap();
        assert_eq!(out.len(), Spool::IN_MEMORY / 1000 * 3 * 1000);
        assert!(out.chunks(1000).all(|c| c == line.as_slice()));
        let mut small = Spool::default();
        assert!(small.is_empty());
        small.write_all(b"abc").unwrap();
        let mut out = Vec::new();
        small.write_to(&mut out).unwrap();
        assert_eq!(out, b"abc");
    }
}

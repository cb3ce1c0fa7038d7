//! `CrashReportDatabaseWin`: one `metadata` file (`CPAD`, 56-byte records, a string
//! table) and every dump in `reports/`.

use std::collections::BTreeMap;

use super::{
    completed_state, is_uuid, pending_state, set_dump, uuid_string, Database, DbReport, Metadata,
    State,
};

const MAGIC: u32 = 0x4350_4144; // 'CPAD'
const HEADER: usize = 16;
const RECORD: usize = 56;

/// One `MetadataFileReportRecord` with its strings resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub uuid: String,
    pub file_path: String,
    pub id: String,
    pub creation_time: i64,
    pub last_upload_attempt: i64,
    pub upload_attempts: i32,
    /// 0 pending, 1 uploading, 2 completed.
    pub state: i32,
    pub attributes: u8,
}

/// Parse the bytes of a `metadata` file. Records whose strings cannot be resolved are
/// reported and skipped; a bad header fails the whole file (Crashpad then starts an
/// empty database, which would hide every report: we say so instead).
pub fn parse(bytes: &[u8]) -> Result<(Vec<Record>, Vec<String>), String> {
    if bytes.len() < HEADER {
        return Err(format!(
            "metadata is {} bytes, shorter than its header",
            bytes.len()
        ));
    }
    let u32_at = |at: usize| crate::le::u32(bytes, at).unwrap_or(0);
    if u32_at(0) != MAGIC {
        return Err("metadata has no 'CPAD' magic".to_string());
    }
    if u32_at(4) != 1 {
        return Err(format!("metadata version {} is not 1", u32_at(4)));
    }
    let count = u32_at(8) as usize;
    let table_at = count
        .checked_mul(RECORD)
        .and_then(|n| n.checked_add(HEADER))
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| format!("metadata claims {count} records but holds fewer"))?;
    let table = &bytes[table_at..];
    let mut problems = Vec::new();
    if table.last().is_some_and(|&b| b != 0) {
        problems.push("metadata: the string table does not end with a NUL".to_string());
    }
    let string = |index: u32| -> Option<String> {
        let rest = table.get(index as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    };
    let mut records = Vec::new();
    for i in 0..count {
        let r = &bytes[HEADER + i * RECORD..HEADER + (i + 1) * RECORD];
        let at = |o: usize| crate::le::u32(r, o).unwrap_or(0);
        let i64_at = |o: usize| crate::le::i64(r, o).unwrap_or(0);
        let uuid = uuid_string(&r[..16]);
        let (Some(file_path), Some(id)) = (string(at(16)), string(at(20))) else {
            problems.push(format!(
                "metadata record {i} ({uuid}): a string offset points outside the string table"
            ));
            continue;
        };
        records.push(Record {
            uuid,
            file_path,
            id,
            creation_time: i64_at(24),
            last_upload_attempt: i64_at(32),
            upload_attempts: at(40) as i32,
            state: at(44) as i32,
            attributes: r[48],
        });
    }
    Ok((records, problems))
}

pub(super) fn read(db: &mut Database) {
    let (records, problems) =
        match crate::fsutil::read_small(&db.root.join("metadata"), crate::fsutil::SMALL_FILE) {
            Ok(bytes) => match parse(&bytes) {
                Ok(parsed) => parsed,
                Err(e) => (Vec::new(), vec![e]),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (Vec::new(), vec!["metadata is missing".to_string()])
            }
            Err(e) => {
                db.unreadable
                    .push((db.root.join("metadata"), format!("cannot be read: {e}")));
                (Vec::new(), vec![format!("metadata: cannot read: {e}")])
            }
        };
    db.problems.extend(problems);
    // Every file of reports/, by name.
    let mut files: BTreeMap<String, std::path::PathBuf> =
        super::regular_files(db, "reports").into_iter().collect();
    for rec in records {
        let mut report = DbReport::new(&rec.uuid, "reports");
        report.metadata_file = Some(db.root.join("metadata"));
        let meta = Metadata {
            upload_attempts: i64::from(rec.upload_attempts),
            last_upload_attempt: rec.last_upload_attempt,
            creation_time: rec.creation_time,
            uploaded: rec.attributes & 1 != 0,
            upload_requested: rec.attributes & 2 != 0,
            remote_id: rec.id.clone(),
            remote_id_offset: 0,
            header_size: 0,
        };
        match files.remove(&rec.file_path) {
            Some(path) => set_dump(&mut report, &path),
            None => report.problems.push(format!(
                "the record names reports/{} but there is no such file (Crashpad drops such records)",
                rec.file_path
            )),
        }
        report.state = if report.dump.is_none() {
            State::Orphaned
        } else {
            match rec.state {
                0 => pending_state(&meta),
                1 => State::Uploading,
                2 => completed_state(&meta),
                other => {
                    report
                        .problems
                        .push(format!("unknown record state {other}"));
                    State::Unreadable
                }
            }
        };
        report.metadata = Some(meta);
        db.reports.push(report);
    }
    for (name, path) in files {
        match name.strip_suffix(".dmp").filter(|s| is_uuid(s)) {
            Some(id) => {
                let mut report = DbReport::new(id, "reports");
                set_dump(&mut report, &path);
                report.state = State::InProgress;
                report
                    .problems
                    .push("no metadata record: still being written, or abandoned".to_string());
                db.reports.push(report);
            }
            None => db.problems.push(format!("reports/{name}: unexpected file")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records_and_strings() {
        let mut b = Vec::new();
        b.extend(MAGIC.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(0u32.to_le_bytes());
        b.extend([
            0x09, 0x37, 0x3a, 0x90, 0x02, 0xcd, 0xb4, 0x4f, 0xae, 0xf7, 0x9f, 0xb2, 0x36, 0x82,
            0xae, 0xf9,
        ]);
        b.extend(0u32.to_le_bytes()); // file path at 0
        b.extend(41u32.to_le_bytes()); // id
        b.extend(1_700_000_000i64.to_le_bytes());
        b.extend(0i64.to_le_bytes());
        b.extend(0i32.to_le_bytes());
        b.extend(2i32.to_le_bytes());
        b.extend([0u8; 8]);
        b.extend(b"903a3709-cd02-4fb4-aef7-9fb23682aef9.dmp\0\0");
        let (records, problems) = parse(&b).unwrap();
        assert!(problems.is_empty());
        assert_eq!(records[0].uuid, "903a3709-cd02-4fb4-aef7-9fb23682aef9");
        assert_eq!(
            records[0].file_path,
            "903a3709-cd02-4fb4-aef7-9fb23682aef9.dmp"
        );
        assert_eq!((records[0].state, records[0].id.as_str()), (2, ""));
        // A count larger than the file is an error, not a panic.
        let mut big = b.clone();
        big[8] = 200;
        assert!(parse(&big).unwrap_err().contains("200 records"));
        // A string offset past the table is reported, not followed.
        let mut far = b.clone();
        far[HEADER + 16] = 0xff;
        let (records, problems) = parse(&far).unwrap();
        assert!(records.is_empty() && problems[0].contains("outside the string table"));
    }
}

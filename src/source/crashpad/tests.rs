//! Tests of the database readers.

use super::*;

#[test]
fn settings_client_id_is_mixed_endian() {
    let mut b = vec![0x73, 0x64, 0x50, 0x43, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    b.extend(1_608_322_600i64.to_le_bytes());
    b.extend([
        0x09, 0x37, 0x3a, 0x90, 0x02, 0xcd, 0xb4, 0x4f, 0xae, 0xf7, 0x9f, 0xb2, 0x36, 0x82, 0xae,
        0xf9,
    ]);
    let s = parse_settings(&b).unwrap();
    assert_eq!(s.client_id, "903a3709-cd02-4fb4-aef7-9fb23682aef9");
    assert_eq!(uuid_bytes(&s.client_id).unwrap()[..], b[24..40]);
    assert_eq!(uuid_bytes("903a3709-cd02"), None);
    assert!(s.uploads_enabled);
    assert_eq!(s.last_upload_attempt, 1_608_322_600);
    assert!(parse_settings(&b[..39]).unwrap_err().contains("39 bytes"));
    let mut bad = b.clone();
    bad[0] = b'X';
    assert!(parse_settings(&bad).unwrap_err().contains("magic"));
    b.extend([0u8; 8]); // a newer writer's extra field
    assert!(parse_settings(&b).is_ok());
}

#[test]
fn meta_64_and_32_bit_headers() {
    // The synthetic example of crashpad-formats.md §1.2.
    let mut b = vec![1, 0, 0, 0, 1, 0, 0, 0];
    b.extend(0x5fdd_0ef0i64.to_le_bytes());
    b.extend(0x5fdd_0018i64.to_le_bytes());
    b.extend([1, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(b"3a1f0c9e77d2b001");
    let m = read_meta(&b).unwrap();
    assert_eq!(
        (
            m.upload_attempts,
            m.creation_time,
            m.uploaded,
            m.header_size
        ),
        (1, 0x5fdd_0018, true, 32)
    );
    assert_eq!(m.remote_id, "3a1f0c9e77d2b001");

    let mut b32 = vec![1, 0, 0, 0, 0, 0, 0, 0];
    b32.extend(0i64.to_le_bytes());
    b32.extend(0x5fdd_0018u32.to_le_bytes());
    b32.extend([2, 0xaa, 0xaa, 0xaa]);
    b32.extend(b"server-id-1234");
    let m = read_meta(&b32).unwrap();
    assert_eq!(m.header_size, 24);
    assert_eq!(m.creation_time, 0x5fdd_0018);
    assert!(m.upload_requested && !m.uploaded);
    assert_eq!(m.remote_id, "server-id-1234");

    let mut bad = b.clone();
    bad[0] = 2;
    assert!(read_meta(&bad).unwrap_err().contains("version 2"));
    assert!(read_meta(&b[..10]).is_err());
}

#[test]
fn uuids_and_attachment_names() {
    assert!(is_uuid("035e690f-46a5-4eea-b3d8-fada991ab543"));
    assert!(!is_uuid("035e690f-46a5-4eea-b3d8-fada991ab54"));
    assert!(!is_uuid("035e690f_46a5-4eea-b3d8-fada991ab543"));
    assert!(attachment_name_ok("app.log"));
    assert!(!attachment_name_ok("../x") && !attachment_name_ok(""));
}

//! Windows security identifiers stored in binary (the token stream of a dump written with
//! token information, and any stream this version does not interpret): a user's or a
//! domain's SID `S-1-5-21-…` names one account of one machine or domain, though no text
//! spells it. Found by their layout: revision 1, 1–15 sub-authorities, the NT authority
//! (`0 0 0 0 0 5`), then `21` and the machine's or domain's three numbers (and a RID).
//! Well-known SIDs (`S-1-5-18`, `S-1-5-32-544`) name nobody and are not taken.

/// `(offset in bytes, length, S-1-5-21-… text)` of every binary account SID in `bytes`.
pub fn find(bytes: &[u8]) -> Vec<(usize, usize, String)> {
    const NT: [u8; 6] = [0, 0, 0, 0, 0, 5];
    let mut out = Vec::new();
    let mut i = 0;
    while i + 12 <= bytes.len() {
        let count = usize::from(bytes[i + 1]);
        let len = 8 + 4 * count;
        let sub = |k: usize| {
            u32::from_le_bytes(
                bytes[i + 8 + 4 * k..i + 12 + 4 * k]
                    .try_into()
                    .expect("4 bytes"),
            )
        };
        if bytes[i] == 1
            && (4..=15).contains(&count)
            && bytes[i + 2..i + 8] == NT
            && i + len <= bytes.len()
            && sub(0) == 21
        {
            let mut text = String::from("S-1-5");
            for k in 0..count {
                text.push('-');
                text.push_str(&sub(k).to_string());
            }
            out.push((i, len, text));
            i += len;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(subs: &[u32]) -> Vec<u8> {
        let mut b = vec![1, subs.len() as u8, 0, 0, 0, 0, 0, 5];
        for s in subs {
            b.extend(s.to_le_bytes());
        }
        b
    }

    #[test]
    fn account_sids_are_found_and_well_known_ones_are_not() {
        let mut bytes = vec![0xaa; 7];
        bytes.extend(sid(&[21, 1_004_336_348, 1_177_238_915, 682_003_330, 1001]));
        bytes.extend(sid(&[32, 544]));
        bytes.extend(sid(&[18]));
        bytes.extend(sid(&[21, 1, 2, 3, 513]));
        let found = find(&bytes);
        assert_eq!(
            found,
            vec![
                (
                    7,
                    28,
                    "S-1-5-21-1004336348-1177238915-682003330-1001".to_string()
                ),
                (7 + 28 + 16 + 12, 28, "S-1-5-21-1-2-3-513".to_string()),
            ]
        );
        assert!(find(&sid(&[21, 1, 2])[..15]).is_empty(), "cut short");
    }
}

//! Hand-written matchers for the digit-shaped rules (IPv4, US SSN, payment card, UK
//! National Insurance number, numeric uid), for the user name in a home path, which
//! almost every dump holds, and for the Google API key (in every Chromium-based app).
//!
//! Each one implements exactly its rule's pattern (leftmost-first, non-overlapping, ASCII
//! `\b`), which stays in the rule table as the specification; a test checks the two agree.
//! They exist because compiling a regex has a cost however simple the pattern, and
//! `show` pays it on every run, while these cost nothing to build and run at memory
//! speed.

/// An ASCII word character, as `\b` sees it with Unicode off.
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `\b` before `i`: the previous byte is not a word byte (the byte at `i` is a digit).
fn starts_word(t: &[u8], i: usize) -> bool {
    i == 0 || !word(t[i - 1])
}

/// `\b` after a match ending at `end` (its last byte is a digit).
fn ends_word(t: &[u8], end: usize) -> bool {
    end == t.len() || !word(t[end])
}

fn digits_at(t: &[u8], i: usize, max: usize) -> usize {
    t[i..]
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Calls `try_at(i)` at every candidate start, skipping past each match.
fn scan(t: &[u8], out: &mut Vec<(usize, usize)>, try_at: impl Fn(usize) -> Option<usize>) {
    let mut i = 0;
    while i < t.len() {
        if t[i].is_ascii_digit() && starts_word(t, i) {
            if let Some(end) = try_at(i) {
                out.push((i, end));
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// One octet of `(?:25[0-5]|2[0-4]\d|1?\d?\d)` at `i`: the lengths it can take, longest
/// alternative first as the regex tries them, without repeats. A fixed array, not a
/// `Vec`: this runs at every number in a text, and an allocation each made `ipv4` slow
/// on number-heavy texts such as `/proc/self/maps`.
fn octet_lengths(t: &[u8], i: usize) -> impl Iterator<Item = usize> {
    let d = |k: usize| t.get(i + k).copied().filter(u8::is_ascii_digit);
    let mut out = [0usize; 6];
    let mut n = 0;
    let mut push = |len: usize| {
        if n == 0 || out[n - 1] != len {
            out[n] = len;
            n += 1;
        }
    };
    if let (Some(b'2'), Some(b'5'), Some(c)) = (d(0), d(1), d(2)) {
        if c <= b'5' {
            push(3);
        }
    }
    if let (Some(b'2'), Some(b), Some(_)) = (d(0), d(1), d(2)) {
        if b <= b'4' {
            push(3);
        }
    }
    // 1?\d?\d
    if d(0) == Some(b'1') {
        if d(1).is_some() && d(2).is_some() {
            push(3);
        }
        if d(1).is_some() {
            push(2);
        }
    }
    if d(0).is_some() && d(1).is_some() {
        push(2);
    }
    if d(0).is_some() {
        push(1);
    }
    out.into_iter().take(n)
}

/// `\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b`
pub fn ipv4(t: &[u8], out: &mut Vec<(usize, usize)>) {
    fn rest(t: &[u8], i: usize, octet: usize) -> Option<usize> {
        for len in octet_lengths(t, i) {
            let end = i + len;
            if octet == 3 {
                if ends_word(t, end) {
                    return Some(end);
                }
            } else if t.get(end) == Some(&b'.') {
                if let Some(e) = rest(t, end + 1, octet + 1) {
                    return Some(e);
                }
            }
        }
        None
    }
    scan(t, out, |i| rest(t, i, 0));
}

/// `\b\d{3}-\d{2}-\d{4}\b`
pub fn us_ssn(t: &[u8], out: &mut Vec<(usize, usize)>) {
    scan(t, out, |i| {
        let ok = digits_at(t, i, 3) == 3
            && t.get(i + 3) == Some(&b'-')
            && digits_at(t, i + 4, 2) == 2
            && t.get(i + 6) == Some(&b'-')
            && digits_at(t, i + 7, 4) == 4;
        (ok && ends_word(t, i + 11)).then_some(i + 11)
    });
}

/// `\b[3-6]\d{3}(?:[ -]?\d){9,15}\b`
pub fn payment_card(t: &[u8], out: &mut Vec<(usize, usize)>) {
    scan(t, out, |i| {
        if !(b'3'..=b'6').contains(&t[i]) || digits_at(t, i + 1, 3) != 3 {
            return None;
        }
        // Greedy (?:[ -]?\d) units, then back off until \b holds, as the regex does.
        let mut ends = [0usize; 15];
        let mut n = 0;
        let mut at = i + 4;
        while n < 15 {
            let digit_at = if matches!(t.get(at), Some(b' ' | b'-')) {
                at + 1
            } else {
                at
            };
            if t.get(digit_at).is_some_and(u8::is_ascii_digit) {
                at = digit_at + 1;
                ends[n] = at;
                n += 1;
            } else {
                break;
            }
        }
        ends[..n]
            .iter()
            .skip(8)
            .rev()
            .copied()
            .find(|&end| ends_word(t, end))
    });
}

/// `\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b` (each optional space is taken when it is
/// there: what follows it can never be a space, so the regex never backs off).
pub fn uk_nino(t: &[u8], out: &mut Vec<(usize, usize)>) {
    let space = |at: usize| at + usize::from(t.get(at) == Some(&b' '));
    let try_at = |i: usize| -> Option<usize> {
        if !t.get(i + 1)?.is_ascii_uppercase() {
            return None;
        }
        let mut at = space(i + 2);
        for pair in 0..3 {
            if digits_at(t, at, 2) != 2 {
                return None;
            }
            at += 2;
            if pair < 2 {
                at = space(at);
            }
        }
        at = space(at);
        let end = at + 1;
        (matches!(t.get(at), Some(b'A'..=b'D')) && ends_word(t, end)).then_some(end)
    };
    let mut i = 0;
    while i < t.len() {
        if t[i].is_ascii_uppercase() && (i == 0 || !word(t[i - 1])) {
            if let Some(end) = try_at(i) {
                out.push((i, end));
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// The value (group 1) of `(?:^uid:\s+|/run/user/)(\d{3,10})\b` in lowered text.
pub fn numeric_uid(t: &[u8], out: &mut Vec<(usize, usize)>) {
    // The digits at `at`: 3 to 10 of them, then `\b` (a longer run has no boundary
    // within it, so the regex cannot stop early).
    let value = |at: usize| {
        let n = digits_at(t, at, 11);
        ((3..=10).contains(&n) && ends_word(t, at + n)).then_some((at, at + n))
    };
    let mut from = 0;
    if let Some(rest) = t.strip_prefix(b"uid:") {
        let spaces = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
            .count();
        if spaces > 0 {
            if let Some(found) = value(4 + spaces) {
                out.push(found);
                from = found.1;
            }
        }
    }
    const RUN: &[u8] = b"/run/user/";
    while let Some(k) = memchr::memmem::find(&t[from..], RUN) {
        let at = from + k + RUN.len();
        match value(at) {
            Some(found) => {
                out.push(found);
                from = found.1;
            }
            None => from += k + 1,
        }
    }
}

/// `\bAIza[0-9A-Za-z_-]{35}\b` (a Google API key).
pub fn google_api_key(t: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&t[from..], b"AIza") {
        let s = from + k;
        let e = s + 39;
        let body = t.get(s + 4..e);
        let key = starts_word(t, s)
            && body.is_some_and(|b| b.iter().all(|&c| word(c) || c == b'-'))
            // `\b` after the last byte: a word byte on exactly one side.
            && word(t[e - 1]) != t.get(e).is_some_and(|&c| word(c));
        if key {
            out.push((s, e));
            from = e;
        } else {
            from = s + 1;
        }
    }
}

/// A byte of a user name in a path: `[^/\\\s:*?"<>|%]` (ASCII `\s`; any byte over
/// 0x7f).
fn name_byte(b: u8) -> bool {
    !matches!(
        b,
        b'/' | b'\\' | b':' | b'*' | b'?' | b'"' | b'<' | b'>' | b'|' | b'%'
    ) && !b.is_ascii_whitespace() // which leaves out the vertical tab, as \s does not
        && b != 0x0b
}

/// The end of the run of name bytes from `i`.
fn name_run(t: &[u8], i: usize) -> usize {
    i + t[i.min(t.len())..]
        .iter()
        .take_while(|&&b| name_byte(b))
        .count()
}

fn at(t: &[u8], i: usize, lit: &[u8]) -> Option<usize> {
    t.get(i..)?.starts_with(lit).then_some(i + lit.len())
}

/// `[\\/]|%2f|%5c` at `i` (`slash`: `/` too, else only `\`), its end.
fn separator(t: &[u8], i: usize, slash: bool) -> Option<usize> {
    match t.get(i)? {
        b'\\' => Some(i + 1),
        b'/' if slash => Some(i + 1),
        b'%' => at(t, i, b"%2f")
            .filter(|_| slash)
            .or_else(|| at(t, i, b"%5c")),
        _ => None,
    }
}

/// The name after a home-directory prefix ending at `p`: words joined by single spaces
/// up to a separator (`end`, its end), else the first word alone. Returns the name's
/// span and where the match ends. A word is a whole run of name bytes (the pattern's
/// runs end only where a byte outside the class stands), so the regex's backtracking
/// comes down to this.
fn user_name(
    t: &[u8],
    p: usize,
    end: impl Fn(&[u8], usize) -> Option<usize>,
) -> Option<((usize, usize), usize)> {
    let first = name_run(t, p);
    if first == p {
        return None;
    }
    let (mut e, mut words) = (first, 1);
    while t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(|&b| name_byte(b)) {
        e = name_run(t, e + 1);
        words += 1;
    }
    if words > 1 {
        if let Some(stop) = end(t, e) {
            return Some(((p, e), stop));
        }
    }
    Some(((p, first), first))
}

/// The `user-path` rule's match starting at `s` in lowered text: its value and its end.
fn user_path_at(t: &[u8], s: usize) -> Option<((usize, usize), usize)> {
    // (?:/|%2f)(?:home|users)(?:/|%2f) | documents and settings(?:[\\/]|%2f|%5c) |
    // \bdocume~1[\\/], then a name ending at [\\/], %2f or %5c.
    let slash = |t: &[u8], i| match t.get(i) {
        Some(b'/') => Some(i + 1),
        _ => at(t, i, b"%2f"),
    };
    let unix = slash(t, s)
        .and_then(|a| at(t, a, b"home").or_else(|| at(t, a, b"users")))
        .and_then(|b| slash(t, b));
    let windows = || {
        at(t, s, b"documents and settings")
            .and_then(|a| separator(t, a, true))
            .or_else(|| {
                let boundary = s == 0 || !word(t[s - 1]);
                at(t, s, b"docume~1")
                    .filter(|_| boundary)
                    .and_then(|a| match t.get(a) {
                        Some(b'/' | b'\\') => Some(a + 1),
                        _ => None,
                    })
            })
    };
    if let Some(p) = unix.or_else(windows) {
        return user_name(t, p, |t, i| separator(t, i, true));
    }
    // (?:\\\\?|%5c)users(?:\\\\?|%5c), then a name ending at \, %5c or the end.
    // `\\\\?` takes two backslashes when there are two (giving one back cannot help:
    // "users" cannot start with a backslash).
    let backslashes = |t: &[u8], i: usize| match t.get(i) {
        Some(b'\\') if t.get(i + 1) == Some(&b'\\') => Some(i + 2),
        Some(b'\\') => Some(i + 1),
        _ => at(t, i, b"%5c"),
    };
    let b = at(t, backslashes(t, s)?, b"users")?;
    let p = backslashes(t, b)?;
    user_name(t, p, |t, i| match t.get(i) {
        None => Some(i),
        Some(b'\\') => Some(i + 1),
        _ => at(t, i, b"%5c"),
    })
}

/// The `user-path` rule (see its pattern), on text lowered to ASCII lower case: the
/// value is the first capture group that took part.
pub fn user_path(t: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while i < t.len() {
        if matches!(t[i], b'/' | b'\\' | b'%' | b'd') {
            if let Some((value, end)) = user_path_at(t, i) {
                out.push(value);
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
#[path = "scanners_tests.rs"]
mod tests;

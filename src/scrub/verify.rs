//! Proof that the copy still works: it parses, its stacks walk the same, and a re-audit
//! of what was touched finds nothing the scrub should have removed.

use super::*;

/// Bytes of context re-scanned on each side of an edit: an edit can only change what is
/// found in the text around it (a run of text longer than this is rare in memory).
pub const VERIFY_CONTEXT: u64 = 4096;

/// The memory a re-scan of the copy needs: a window of [`VERIFY_CONTEXT`] bytes around
/// every edit, inside the region that holds it. Everything else is byte for byte the
/// original, which had nothing left to scrub once these edits are made.
pub fn touched_regions(inventory: &Inventory, plan: &Plan) -> Vec<Region> {
    const OVERLAP: u64 = VERIFY_CONTEXT;
    let ranges = plan.ranges();
    let mut out = Vec::new();
    for r in &inventory.regions {
        let (rs, re) = (r.file_offset, r.file_offset + r.len);
        let first = ranges.partition_point(|&(_, e)| e <= rs);
        let mut windows: Vec<(u64, u64)> = Vec::new();
        for &(s, e) in ranges[first..].iter().take_while(|&&(s, _)| s < re) {
            let (ws, we) = (s.saturating_sub(OVERLAP).max(rs), (e + OVERLAP).min(re));
            match windows.last_mut() {
                Some(last) if ws <= last.1 => last.1 = last.1.max(we),
                _ => windows.push((ws, we)),
            }
        }
        for (ws, we) in windows {
            let mut w = r.clone();
            w.address = r.address.wrapping_add(ws - rs);
            w.file_offset = ws;
            w.len = we - ws;
            out.push(w);
        }
    }
    out
}

/// What verification of a copy established.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Verified {
    /// Threads whose walks were compared, and their frames.
    pub threads: usize,
    pub frames: usize,
    /// Whether the original could be walked at all (when not, nothing is compared).
    pub walked: bool,
    /// Bytes of memory the re-audit scanned (regions an edit touched) and fields.
    pub rescanned_bytes: u64,
    pub rescanned_fields: usize,
}

/// Frame by frame: instruction, trust, module (base and debug id), function.
pub(super) fn same_stacks(
    a: &minidump_processor::ProcessState,
    b: &minidump_processor::ProcessState,
) -> Result<(usize, usize), String> {
    use minidump::Module;
    if a.threads.len() != b.threads.len() {
        return Err(format!(
            "the copy has {} threads, the original {}",
            b.threads.len(),
            a.threads.len()
        ));
    }
    let mut frames = 0;
    for (ta, tb) in a.threads.iter().zip(&b.threads) {
        if ta.frames.len() != tb.frames.len() {
            return Err(format!(
                "thread {}: {} frames in the copy, {} in the original",
                ta.thread_id,
                tb.frames.len(),
                ta.frames.len()
            ));
        }
        for (i, (fa, fb)) in ta.frames.iter().zip(&tb.frames).enumerate() {
            let module = |f: &minidump_unwind::StackFrame| {
                f.module
                    .as_ref()
                    .map(|m| (m.base_address(), m.debug_identifier()))
            };
            if fa.instruction != fb.instruction
                || fa.trust != fb.trust
                || module(fa) != module(fb)
                || fa.function_name != fb.function_name
            {
                return Err(format!(
                    "thread {} frame {i} differs: 0x{:x} {:?} in the original, 0x{:x} {:?} in the copy",
                    ta.thread_id, fa.instruction, fa.function_name, fb.instruction, fb.function_name
                ));
            }
            frames += 1;
        }
    }
    Ok((a.threads.len(), frames))
}

/// Check a written copy: it parses, walks as the original did, and a re-audit finds
/// nothing the scrub should have removed (pseudonyms are allowed when they are not the
/// original values).
#[allow(clippy::too_many_arguments)]
pub fn verify_dump(
    original: &Report,
    original_walk: &Result<minidump_processor::ProcessState, crate::problem::Problem>,
    original_identity: &crate::pii::Identity,
    copy_path: &Path,
    walker: &crate::symbols::Walker,
    policy: &Policy,
    key: &str,
    opts: &Options,
    plan: &Plan,
) -> Result<Verified, String> {
    let copy = Report::open(copy_path).map_err(|e| format!("the copy does not parse: {e}"))?;
    if copy.file_size != original.file_size {
        return Err("the copy's length differs".to_string());
    }
    let deadline = walker.deadline();
    let mut verified = Verified::default();
    if let Ok(a) = original_walk {
        let b = walker
            .walk_until(&copy, deadline)
            .map_err(|e| format!("the copy cannot be walked: {e}"))?;
        let (threads, frames) = same_stacks(a, &b)?;
        verified.threads = threads;
        verified.frames = frames;
        verified.walked = true;
    }
    let mut inventory = crate::disclosure::inventory(&copy);
    inventory.regions = touched_regions(&inventory, plan);
    verified.rescanned_bytes = inventory.regions.iter().map(|r| r.len).sum();
    verified.rescanned_fields = inventory.fields.len();
    let release = |o, l| copy.release(o, l);
    let options = crate::pii::ScanOptions {
        known: Some(original_identity),
        release: Some(&release),
        deadline,
    };
    let found = crate::pii::scan(&inventory, copy.bytes(), &options);
    if let Some(problem) = found.problems.first() {
        return Err(format!("the re-audit of the copy is incomplete: {problem}"));
    }
    check_rescan(&found, policy, key, opts, plan)?;
    Ok(verified)
}

/// Nothing left that the scrub should have removed.
pub fn check_rescan(
    found: &Findings,
    policy: &Policy,
    key: &str,
    opts: &Options,
    plan: &Plan,
) -> Result<(), String> {
    let left: Vec<&Finding> = found
        .findings
        .iter()
        .filter(|f| opts.scrubs(policy, key, f))
        // The pseudonyms this scrub wrote, by the same check `audit --pseudonym-key`
        // makes, and never an original value.
        .filter(|f| {
            !(opts.pseudonyms.as_ref().is_some_and(|p| {
                pseudonym::applies(f.category)
                    && p.recognises(&f.value)
                    && !plan.replaced_values.contains(&f.value.to_lowercase())
            }))
        })
        .collect();
    match left.first() {
        None => Ok(()),
        Some(f) => Err(format!(
            "the re-audit of the copy still finds {} item{} (first: {} at {})",
            left.len(),
            if left.len() == 1 { "" } else { "s" },
            f.rule,
            f.location.logical()
        )),
    }
}

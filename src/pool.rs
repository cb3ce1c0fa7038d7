//! Many reports at once: an ordered parallel map on scoped threads, with an optional
//! progress bar on stderr.
//!
//! Work items are taken from a shared counter by one thread per core; results come back
//! over a channel and are handed to `emit` in input order, so output is the same on
//! every run whatever finishes first. When `emit` fails (a closed pipe), the workers stop
//! taking new items.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How many worker threads to use: one per available core.
pub fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// A progress bar on stderr when there are at least `min` items, stderr is a terminal
/// and the user did not ask for quiet.
pub fn progress(len: usize, min: usize, quiet: bool, what: &str) -> Option<ProgressBar> {
    if quiet || len < min || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{prefix} {bar:30} {pos}/{len} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_string());
    Some(bar)
}

/// Run `work` on every item on `threads` threads and pass the results to `emit` in
/// input order. Returns the first error of `emit`.
pub fn map_ordered<T, R, E>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(usize, R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        for (i, item) in items.iter().enumerate() {
            emit(i, work(item))?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, R)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, r) in rx {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&due) {
                if let Err(e) = emit(due, r) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                due += 1;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        map_ordered(
            &items,
            4,
            |&i| {
                // Later items finish first.
                std::thread::sleep(std::time::Duration::from_micros(200 - i));
                i * 2
            },
            |i, r| {
                seen.push((i, r));
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            items
                .iter()
                .map(|&i| (i as usize, i * 2))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_emit_error_stops_the_work() {
        let items: Vec<u32> = (0..10_000).collect();
        let done = AtomicUsize::new(0);
        let r = map_ordered(
            &items,
            2,
            |_| {
                std::thread::sleep(std::time::Duration::from_micros(50));
                done.fetch_add(1, Ordering::Relaxed)
            },
            |i, _| if i == 3 { Err("closed") } else { Ok(()) },
        );
        assert_eq!(r, Err("closed"));
        assert!(done.load(Ordering::Relaxed) < items.len());
    }
}

//! Putting a new thread to work at once.
//!
//! Linux starts a new thread on its parent's CPU. There, either the new thread runs
//! first and its parent waits, or the parent runs on and the new thread waits, until a
//! load balance moves one of them, up to a millisecond later. Measured here (two cores;
//! a parent and a child each busy for 0.75 ms, 15 runs each): left alone, the pair took
//! 1.75 ms (median), as on one core; with the queued child moved to the other CPU right
//! after the spawn, 0.81 ms. `show` of a small dump lasts 2 to 4 ms: without the move,
//! the thread that walks the stacks and then helps the scan mostly ran before or after
//! the scan, not beside it (traced: the scan's thread stood still for the whole
//! 0.2 ms walk in most runs).

use std::thread::JoinHandle;

/// Start `f` on a new thread placed at once on another CPU the caller may use. The
/// thread stays there: it is meant to run beside the caller until it ends. Where there
/// is no other CPU, or the system refuses, the thread runs where the system puts it.
pub fn spawn_beside<T, F>(f: F) -> std::io::Result<JoinHandle<T>>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    #[cfg(target_os = "linux")]
    {
        let there = linux::other_cpu();
        // Whichever of the two runs first moves the new thread: the new one, when it
        // runs before its parent gets the CPU back, or the parent right after.
        let handle = std::thread::Builder::new().spawn(move || {
            if let Some(cpu) = there {
                linux::pin::<()>(None, cpu);
            }
            f()
        })?;
        if let Some(cpu) = there {
            linux::pin(Some(&handle), cpu);
        }
        Ok(handle)
    }
    #[cfg(not(target_os = "linux"))]
    std::thread::Builder::new().spawn(f)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::thread::JoinHandleExt;

    const SIZE: usize = std::mem::size_of::<libc::cpu_set_t>();

    /// The CPUs the calling thread may use.
    pub(super) fn allowed() -> Option<libc::cpu_set_t> {
        // SAFETY: `set` is a valid, writable cpu_set_t of the size passed.
        #[allow(unsafe_code)]
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            (libc::sched_getaffinity(0, SIZE, &mut set) == 0).then_some(set)
        }
    }

    pub(super) fn cpus(set: &libc::cpu_set_t) -> Vec<usize> {
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: CPU_ISSET reads one bit of a valid set, within its size.
            .filter(|&cpu| {
                #[allow(unsafe_code)]
                unsafe {
                    libc::CPU_ISSET(cpu, set)
                }
            })
            .collect()
    }

    fn current() -> Option<usize> {
        // SAFETY: sched_getcpu takes no argument and only returns a number.
        #[allow(unsafe_code)]
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu).ok()
    }

    /// The first CPU the caller may use after the one it is on, if there is one.
    pub(super) fn other_cpu() -> Option<usize> {
        let cpus = cpus(&allowed()?);
        let here = current()?;
        let there = *cpus.iter().find(|&&c| c > here).or(cpus.first())?;
        (there != here).then_some(there)
    }

    /// Pin the thread of `handle` (`None`: the calling thread) to `cpu`.
    pub(super) fn pin<T>(handle: Option<&std::thread::JoinHandle<T>>, cpu: usize) {
        // SAFETY: `only` is a valid cpu_set_t of the size passed and CPU_SET sets a bit
        // within it (`cpu` < CPU_SETSIZE: it came from such a set); the thread of
        // `handle` has not been joined, so its pthread_t is valid.
        #[allow(unsafe_code)]
        unsafe {
            let mut only: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut only);
            let thread = handle.map_or_else(|| libc::pthread_self(), |h| h.as_pthread_t());
            libc::pthread_setaffinity_np(thread, SIZE, &only);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::linux::{allowed, cpus};

    #[test]
    fn a_thread_started_beside_runs_on_one_other_allowed_cpu_and_the_caller_is_unchanged() {
        let before = cpus(&allowed().expect("sched_getaffinity works"));
        let child = super::spawn_beside(|| cpus(&allowed().expect("in the child too")))
            .expect("a thread starts")
            .join()
            .expect("the child does not panic");
        assert_eq!(
            cpus(&allowed().unwrap()),
            before,
            "the caller may still use all"
        );
        if before.len() > 1 {
            assert_eq!(child.len(), 1, "{child:?}");
            assert!(before.contains(&child[0]), "{child:?} in {before:?}");
        } else {
            assert_eq!(child, before);
        }
    }
}

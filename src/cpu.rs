//! Putting a second thread to work at once, beside the first.
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
//!
//! And keeping two such threads awake in the short waits between them ([`lock`],
//! [`wait_until`]). A thread that sleeps in the kernel for a lock or a condition leaves
//! its CPU idle, and a virtual CPU that went idle can take a millisecond to run again
//! once woken. Traced on `show` of a small dump (2 ms in all): in 4 runs of 10 the scan's
//! thread waited 0.5 to 2 ms to be woken for a lock the other thread held a microsecond,
//! or for its last unit of work, already done. The two threads share work for a few
//! milliseconds at most, so they spin, then yield, and sleep only when a wait lasts.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a thread spins and yields in a wait before it sleeps: longer than any unit
/// of shared work (a unit is a few hundred microseconds at most), short next to a run.
const AWAKE: Duration = Duration::from_millis(4);

/// Wait until `done()` holds, awake (spinning, then yielding the CPU without leaving
/// it idle) for at most `AWAKE`: returns whether it held. The caller then waits asleep.
pub fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    let mut round = 0u32;
    loop {
        if done() {
            return true;
        }
        round = round.wrapping_add(1);
        if round < 64 {
            std::hint::spin_loop();
            continue;
        }
        if round % 64 == 0 && start.elapsed() > AWAKE {
            return false;
        }
        std::thread::yield_now();
    }
}

/// The value of `cell`, made by `make` when it has none, without waiting for another
/// thread that is making it: each makes its own and the first one kept wins. A wait for
/// another thread's `get_or_init` is a sleep (traced: in 21 of 40 runs of `show` on a
/// small dump, one thread slept on a rule's lazily built matcher while the other built
/// it, and took a millisecond to wake). Making a value twice costs at most a regex
/// build; use this for values both threads of a scan need early.
pub fn get_or_make<T>(cell: &OnceLock<T>, make: impl FnOnce() -> T) -> &T {
    if let Some(value) = cell.get() {
        return value;
    }
    // Another thread may set it first; then its value is kept and this one dropped.
    let _ = cell.set(make());
    cell.get()
        .expect("the cell was just set, here or by another thread")
}

/// `m` locked, waiting awake first (see [`wait_until`]); a poisoned lock is taken as it
/// is (its holders leave its value whole).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    let mut guard = None;
    wait_until(|| {
        guard = match m.try_lock() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        };
        guard.is_some()
    });
    guard.unwrap_or_else(|| m.lock().unwrap_or_else(|e| e.into_inner()))
}

/// A job for the spare thread.
type Job = Box<dyn FnOnce() + Send>;

/// Where the spare thread waits for its one job.
#[derive(Default)]
struct Spare {
    job: Mutex<Option<Job>>,
    given: std::sync::atomic::AtomicBool,
    wake: std::sync::Condvar,
}

/// The spare thread started by [`start_spare`], until [`run_beside`] gives it its job.
static SPARE: Mutex<Option<std::sync::Arc<Spare>>> = Mutex::new(None);

/// How long the spare thread waits for its job awake: a command that starts it gives it
/// its job within a fraction of a millisecond, or never (then it sleeps until the
/// process ends).
const SPARE_AWAKE: Duration = Duration::from_millis(1);

/// Start a thread beside the caller (as [`spawn_beside`]) ahead of the job
/// [`run_beside`] will give it: the thread is created and moved to its CPU while the
/// caller does other work (parsing its arguments, opening the dump), not in its path.
/// Measured on `show` of a small dump: the walking thread started 50 µs after it was
/// asked for, and the asking thread lost as much to the start.
pub fn start_spare() {
    let spare = std::sync::Arc::new(Spare::default());
    let waiting = std::sync::Arc::clone(&spare);
    let started = spawn_beside(move || {
        let given = || waiting.given.load(std::sync::atomic::Ordering::Acquire);
        let start = Instant::now();
        while !given() && start.elapsed() < SPARE_AWAKE {
            std::hint::spin_loop();
        }
        let job = {
            let mut job = waiting.job.lock().unwrap_or_else(|e| e.into_inner());
            while job.is_none() {
                job = waiting.wake.wait(job).unwrap_or_else(|e| e.into_inner());
            }
            job.take()
        };
        drop(waiting);
        if let Some(job) = job {
            job();
        }
    });
    if started.is_ok() {
        *lock(&SPARE) = Some(spare);
    }
}

/// Run `f` beside the caller: on the spare thread when one was started and is still
/// free, otherwise on a new thread placed at once (see [`spawn_beside`]). Errs when no
/// thread can be started; nothing is then run.
pub fn run_beside<F>(f: F) -> std::io::Result<()>
where
    F: FnOnce() + Send + 'static,
{
    let spare = lock(&SPARE).take();
    match spare {
        Some(spare) => {
            *lock(&spare.job) = Some(Box::new(f));
            spare
                .given
                .store(true, std::sync::atomic::Ordering::Release);
            spare.wake.notify_one();
            Ok(())
        }
        None => spawn_beside(f).map(drop),
    }
}

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

#[cfg(test)]
mod spare_tests {
    /// Where `f` ran, through `run_beside`.
    fn ran_on() -> std::thread::ThreadId {
        let (tx, rx) = std::sync::mpsc::channel();
        super::run_beside(move || tx.send(std::thread::current().id()).unwrap()).unwrap();
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the job ran")
    }

    #[test]
    fn a_job_runs_beside_on_the_spare_or_a_new_thread() {
        let here = std::thread::current().id();
        assert_ne!(ran_on(), here, "no spare: a new thread");
        super::start_spare();
        // Waited past the spare's awake wait: it sleeps, and is woken by its job.
        std::thread::sleep(super::SPARE_AWAKE * 3);
        let first = ran_on();
        let second = ran_on();
        assert_ne!(first, here);
        assert_ne!(second, here);
        assert_ne!(
            first, second,
            "the spare takes one job; the next gets a thread"
        );
    }
}

#[cfg(test)]
mod wait_tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    #[test]
    fn a_wait_ends_when_its_condition_holds_or_after_a_while_awake() {
        let flag = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_micros(300));
                flag.store(true, Ordering::Release);
            });
            assert!(super::wait_until(|| flag.load(Ordering::Acquire)));
        });
        let start = std::time::Instant::now();
        assert!(
            !super::wait_until(|| false),
            "never true: the wait gives up"
        );
        assert!(start.elapsed() >= super::AWAKE);
    }

    #[test]
    fn a_lock_held_long_or_poisoned_is_still_taken() {
        let m = Mutex::new(0u32);
        std::thread::scope(|s| {
            let held = m.lock().unwrap();
            let waiter = s.spawn(|| *super::lock(&m) += 1);
            // Held past the awake wait: the waiter sleeps on the lock, then takes it.
            std::thread::sleep(super::AWAKE * 2);
            drop(held);
            waiter.join().unwrap();
        });
        assert_eq!(*m.lock().unwrap(), 1);
        let _ = std::panic::catch_unwind(|| {
            let _g = m.lock().unwrap();
            panic!("poisons the lock");
        });
        assert!(m.is_poisoned());
        *super::lock(&m) += 1;
        assert_eq!(*super::lock(&m), 2);
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

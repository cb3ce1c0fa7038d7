//! Scan work that an idle thread can join. `show` walks the stacks on one core and
//! scans on the other; the walk usually ends first, and the walking thread then takes
//! units of the scan still to be done ([`Helpers::help`]): chunks of fields, then pieces
//! of memory. Results come back in unit order, exactly as from one thread.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{scan_field, Field, Finding};
use crate::budget::Deadline;

/// Work cut into units that any thread may do, in any order.
pub trait Units: Send + Sync + 'static {
    type Out: Send + 'static;
    fn len(&self) -> usize;
    /// Do unit `i`.
    fn unit(&self, i: usize) -> Self::Out;
    /// The result of unit `i` when doing it panicked: nothing found, and the unit
    /// counted as not done (said as such, never a scan that waits forever).
    fn lost(&self, i: usize) -> Self::Out;
}

/// A job as the helpers see it.
trait Work: Send + Sync {
    fn work(&self);
}

struct Shared<U: Units> {
    units: U,
    next: AtomicUsize,
    done: Mutex<Vec<(usize, U::Out)>>,
    /// How many units are in `done` (read without its lock).
    count: AtomicUsize,
    finished: Condvar,
}

impl<U: Units> Work for Shared<U> {
    /// Do units until none is left to take.
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.units.len() {
                return;
            }
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.units.unit(i)))
                .unwrap_or_else(|_| self.units.lost(i));
            let all = {
                let mut done = lock(&self.done);
                done.push((i, out));
                self.count.store(done.len(), Ordering::Release);
                done.len() == self.units.len()
            };
            // Only the last unit wakes the scan waiting for them all (a wake is a
            // system call even when no one waits: 120 of them on a small dump).
            if all {
                self.finished.notify_all();
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    crate::cpu::lock(m)
}

/// Where a scan offers its work to other threads.
#[derive(Default)]
pub struct Helpers {
    /// The job on offer and its number (a helper takes each job once).
    slot: Mutex<(u64, Option<Arc<dyn Work>>)>,
    /// The number of the last job posted (read without the slot's lock).
    number: AtomicU64,
    posted: Condvar,
    closed: AtomicBool,
}

impl Helpers {
    /// Help with each job the scan offers until it says it is over.
    pub fn help(&self) {
        let mut last = 0;
        loop {
            // The next job comes within a fraction of a millisecond: wait for it awake.
            crate::cpu::wait_until(|| {
                self.closed.load(Ordering::Acquire) || self.number.load(Ordering::Acquire) != last
            });
            let job = {
                let mut slot = lock(&self.slot);
                loop {
                    if self.closed.load(Ordering::Acquire) {
                        return;
                    }
                    if let (number, Some(job)) = &*slot {
                        if *number != last {
                            last = *number;
                            break Arc::clone(job);
                        }
                    }
                    slot = self.posted.wait(slot).unwrap_or_else(|e| e.into_inner());
                }
            };
            job.work();
        }
    }

    /// The scan is over: a helper waiting for work returns.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let _slot = lock(&self.slot);
        self.posted.notify_all();
    }

    /// Do `units` on this thread and on any helper that joins; returns them and their
    /// results in unit order.
    pub fn share<U: Units>(&self, units: U) -> (U, Vec<U::Out>) {
        let shared = Arc::new(Shared {
            units,
            next: AtomicUsize::new(0),
            done: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
            finished: Condvar::new(),
        });
        {
            let mut slot = lock(&self.slot);
            slot.0 += 1;
            slot.1 = Some(Arc::clone(&shared) as Arc<dyn Work>);
            self.number.store(slot.0, Ordering::Release);
            self.posted.notify_all();
        }
        shared.work();
        // No helper takes this job from here on; wait for the units helpers are doing.
        lock(&self.slot).1 = None;
        let n = shared.units.len();
        crate::cpu::wait_until(|| shared.count.load(Ordering::Acquire) == n);
        let mut done = {
            let mut done = lock(&shared.done);
            while done.len() < shared.units.len() {
                done = shared
                    .finished
                    .wait(done)
                    .unwrap_or_else(|e| e.into_inner());
            }
            std::mem::take(&mut *done)
        };
        // A helper lets go of the job right after its last unit.
        let shared = crate::pool::take_back(shared);
        done.sort_unstable_by_key(|(i, _)| *i);
        (shared.units, done.into_iter().map(|(_, out)| out).collect())
    }

    /// Match `fields`, shared: returns the fields, the findings in field order and how
    /// many fields were left unchecked (the deadline passed).
    pub fn match_fields(
        &self,
        fields: Vec<Field>,
        deadline: Option<Deadline>,
    ) -> (Vec<Field>, Vec<Finding>, usize) {
        let (job, done) = self.share(FieldJob { fields, deadline });
        let mut found = Vec::new();
        let mut unchecked = 0;
        for (f, u) in done {
            found.extend(f);
            unchecked += u;
        }
        (job.fields, found, unchecked)
    }
}

/// Fields per unit: small enough to share a few hundred fields, large enough that the
/// bookkeeping is nothing next to the matching.
const CHUNK: usize = 16;

struct FieldJob {
    fields: Vec<Field>,
    deadline: Option<Deadline>,
}

impl FieldJob {
    fn chunk(&self, i: usize) -> &[Field] {
        &self.fields[i * CHUNK..((i + 1) * CHUNK).min(self.fields.len())]
    }
}

impl Units for FieldJob {
    /// The chunk's findings, and how many of its fields were not checked.
    type Out = (Vec<Finding>, usize);

    fn len(&self) -> usize {
        self.fields.len().div_ceil(CHUNK)
    }

    fn unit(&self, i: usize) -> Self::Out {
        let part = self.chunk(i);
        if self.deadline.is_some_and(|d| d.passed()) {
            return (Vec::new(), part.len());
        }
        let mut found = Vec::new();
        for field in part {
            scan_field(field, &mut found);
        }
        (found, 0)
    }

    fn lost(&self, i: usize) -> Self::Out {
        (Vec::new(), self.chunk(i).len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Mutex as StdMutex;

    /// Units that record which thread did them; unit 7 panics.
    struct Numbers {
        n: usize,
        who: StdMutex<Vec<(usize, std::thread::ThreadId)>>,
    }

    impl Units for Numbers {
        type Out = i64;
        fn len(&self) -> usize {
            self.n
        }
        fn unit(&self, i: usize) -> i64 {
            assert_ne!(i, 7, "a unit that panics");
            std::thread::sleep(std::time::Duration::from_millis(2));
            self.who
                .lock()
                .unwrap()
                .push((i, std::thread::current().id()));
            i as i64 * 10
        }
        fn lost(&self, _: usize) -> i64 {
            -1
        }
    }

    #[test]
    fn units_come_back_in_order_whoever_did_them() {
        let helpers = Helpers::default();
        let (units, out) = std::thread::scope(|scope| {
            let helper = scope.spawn(|| helpers.help());
            let numbers = Numbers {
                n: 40,
                who: StdMutex::new(Vec::new()),
            };
            let (first, out) = helpers.share(numbers);
            // A second job is taken by the same helper.
            let (_, again) = helpers.share(Numbers {
                n: 5,
                who: StdMutex::new(Vec::new()),
            });
            assert_eq!(again, [0, 10, 20, 30, 40]);
            helpers.close();
            helper.join().unwrap();
            (first, out)
        });
        let want: Vec<i64> = (0..40).map(|i| if i == 7 { -1 } else { i * 10 }).collect();
        assert_eq!(out, want);
        let threads: HashSet<_> = units.who.lock().unwrap().iter().map(|w| w.1).collect();
        assert_eq!(threads.len(), 2, "both threads did units");
    }

    #[test]
    fn a_helper_waiting_for_work_is_let_go() {
        let helpers = Helpers::default();
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| helpers.help());
            std::thread::sleep(std::time::Duration::from_millis(10));
            helpers.close();
            helper.join().unwrap();
        });
        // Closed before any help: help returns at once.
        helpers.help();
    }
}

//! Work spread over every core.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` on every item of `items`, on every core. Each worker starts
/// from its own `start()` (a libgit2 repository cannot be shared between
/// threads), keeps its output in that state, and takes the next item until
/// none is left; the states come back in no particular order. An error
/// stops its worker and is returned.
pub fn for_each<T, S, E>(
    items: &[T],
    start: impl Fn() -> Result<S, E> + Sync,
    work: impl Fn(&mut S, &T) -> Result<(), E> + Sync,
) -> Result<Vec<S>, E>
where
    T: Sync,
    S: Send,
    E: Send,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = start()?;
                    while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                        work(&mut state, item)?;
                    }
                    Ok(state)
                })
            })
            .collect();
        // A panicking worker is a bug: pass the panic on rather than hide it.
        workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

//! Gives freed native memory back to the system as calls come and go.
//!
//! glibc keeps freed memory in its arenas (one per thread that allocated, up to
//! eight per core), and PowerShell, .NET and tokio bring many threads: over long
//! runs the process's working set climbed while the memory in use stayed flat
//! (measured with `mallinfo2`: 12 MiB in use, 41 MiB free but resident). Every
//! `TRIM_EVERY` freed calls, a background thread asks glibc to return what is
//! free (`malloc_trim`, well under a millisecond when done this often), so no
//! caller waits for it; and once more when calls stop (`IDLE_TRIM` after the last
//! trim with calls freed since), so a burst's tail is returned too and a shell at
//! rest holds no more than it uses. Other C libraries (musl, macOS, Windows) need nothing.

/// Freed calls between two trims: often enough to keep the working set within
/// about a megabyte, rare enough to cost nothing per call.
pub const TRIM_EVERY: usize = 1024;

/// How long the trimming thread waits for the next `TRIM_EVERY` before it trims
/// what the calls since the last trim left (it then looks once per period: one
/// counter read).
pub const IDLE_TRIM: std::time::Duration = std::time::Duration::from_secs(1);

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::{sync_channel, RecvTimeoutError, SyncSender};
    use std::sync::OnceLock;

    static FREED: AtomicUsize = AtomicUsize::new(0);

    /// Wakes the trimming thread (started on first need); a full channel means a
    /// trim is already due. `None` if the thread could not start.
    static TRIMMER: OnceLock<Option<SyncSender<()>>> = OnceLock::new();

    fn start_trimmer() -> Option<SyncSender<()>> {
        let (tx, rx) = sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("graph-trim".into())
            .spawn(move || {
                let mut trimmed_at = 0;
                loop {
                    match rx.recv_timeout(super::IDLE_TRIM) {
                        Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    let freed = FREED.load(Ordering::Relaxed);
                    if freed != trimmed_at {
                        trimmed_at = freed;
                        // SAFETY: malloc_trim only walks glibc's own arenas; any pad is valid.
                        unsafe { libc::malloc_trim(0) };
                    }
                }
            })
            .ok()
            .map(|_| tx)
    }

    pub fn call_freed() {
        if (FREED.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(super::TRIM_EVERY) {
            if let Some(tx) = TRIMMER.get_or_init(start_trimmer) {
                let _ = tx.try_send(());
            }
        }
    }
}

/// Counts a released call and, every `TRIM_EVERY`, has freed memory returned.
pub fn call_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::call_freed();
}

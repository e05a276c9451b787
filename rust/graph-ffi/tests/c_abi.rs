//! Loads the built cdylib with libloading and drives it as the .NET shim does.

use std::time::{Duration, Instant};

use graph_emulator::{spawn, EmulatorConfig, ScriptedAnswer};
use libloading::{Library, Symbol};
use serde_json::{json, Value};

#[repr(C)]
struct MgBuffer {
    ptr: *mut u8,
    len: usize,
}

type Start = unsafe extern "C" fn(*const u8, usize, *mut *mut u8) -> i32;
type Next = unsafe extern "C" fn(*mut u8, u32, *mut MgBuffer) -> i32;
type Handle = unsafe extern "C" fn(*mut u8) -> i32;
type Free = unsafe extern "C" fn(MgBuffer) -> i32;

struct Native {
    lib: Library,
}

impl Native {
    fn load() -> Self {
        let exe = std::env::current_exe().unwrap();
        // Test builds leave the cdylib in target/<profile>/deps, beside the test binary.
        let deps = exe.parent().unwrap();
        let name = libloading::library_filename("graph_ffi");
        let path = [deps.join(&name), deps.parent().unwrap().join(&name)]
            .into_iter()
            .find(|p| p.exists())
            .expect("the graph-ffi cdylib is built");
        // SAFETY: loading our own library, whose initializers are trivial.
        let lib =
            unsafe { Library::new(&path) }.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Native { lib }
    }

    fn sym<T>(&self, name: &[u8]) -> Symbol<'_, T> {
        // SAFETY: the names and types match the exports of graph-ffi.
        unsafe { self.lib.get(name) }.unwrap()
    }

    fn start(&self, request: &[u8]) -> *mut u8 {
        let mut handle = std::ptr::null_mut();
        let start: Symbol<Start> = self.sym(b"mg_call_start");
        // SAFETY: a valid buffer and out pointer.
        let rc = unsafe { start(request.as_ptr(), request.len(), &mut handle) };
        assert_eq!(rc, 0);
        assert!(!handle.is_null());
        handle
    }

    /// Drains every event until the call finishes.
    fn drain(&self, handle: *mut u8) -> Vec<Value> {
        let next: Symbol<Next> = self.sym(b"mg_call_next");
        let free: Symbol<Free> = self.sym(b"mg_buffer_free");
        let mut events = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert!(Instant::now() < deadline, "call did not finish: {events:?}");
            let mut buf = MgBuffer {
                ptr: std::ptr::null_mut(),
                len: 0,
            };
            // SAFETY: live handle, valid out pointer.
            match unsafe { next(handle, 50, &mut buf) } {
                0 => {
                    // SAFETY: the library handed out ptr/len.
                    let bytes = unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec();
                    // SAFETY: freed once.
                    assert_eq!(unsafe { free(buf) }, 0);
                    events.push(serde_json::from_slice(&bytes).unwrap());
                }
                1 => continue,
                2 => return events,
                other => panic!("mg_call_next returned {other}"),
            }
        }
    }

    fn free(&self, handle: *mut u8) {
        let free: Symbol<Handle> = self.sym(b"mg_call_free");
        // SAFETY: freed once.
        assert_eq!(unsafe { free(handle) }, 0);
    }

    fn run(&self, request: &[u8]) -> Vec<Value> {
        let handle = self.start(request);
        let events = self.drain(handle);
        self.free(handle);
        events
    }

    fn live_calls(&self) -> usize {
        let live: Symbol<unsafe extern "C" fn() -> usize> = self.sym(b"mg_live_calls");
        // SAFETY: no arguments.
        unsafe { live() }
    }
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[test]
fn abi_version_is_one() {
    let native = Native::load();
    let version: Symbol<unsafe extern "C" fn() -> u32> = native.sym(b"mg_abi_version");
    // SAFETY: no arguments.
    assert_eq!(unsafe { version() }, 1);
}

#[test]
fn invalid_utf8_and_bad_json_are_errors_not_crashes() {
    let native = Native::load();
    for request in [&b"\xff\xfe{not utf8"[..], b"{\"op\":", b"", b"[1,2]"] {
        let events = native.run(request);
        assert_eq!(kinds(&events), vec!["error", "done"], "{request:?}");
        assert_eq!(events[1]["ok"], false);
    }
    let events = native.run(br#"{"op":"noSuchThing"}"#);
    assert_eq!(events[0]["error"]["errorId"], "UnknownOperation");
}

#[test]
fn null_arguments_are_refused() {
    let native = Native::load();
    let start: Symbol<Start> = native.sym(b"mg_call_start");
    let next: Symbol<Next> = native.sym(b"mg_call_next");
    // SAFETY: the exports check for null.
    unsafe {
        assert_eq!(start(std::ptr::null(), 5, &mut std::ptr::null_mut()), -1);
        assert_eq!(start(b"{}".as_ptr(), 2, std::ptr::null_mut()), -1);
        assert_eq!(next(std::ptr::null_mut(), 0, std::ptr::null_mut()), -1);
    }
}

/// Session state is process-wide, so the connected steps run in one test, in order.
#[test]
fn connect_invite_and_cancel_through_the_c_abi() {
    let native = Native::load();
    let emulator = spawn(EmulatorConfig {
        token: "ffi-token".into(),
        ..Default::default()
    })
    .unwrap();
    let add = json!({"op": "addEnvironment", "args": {"name": "FfiLocal", "graphEndpoint": emulator.base_url(), "azureADEndpoint": emulator.base_url()}});
    assert_eq!(
        kinds(&native.run(add.to_string().as_bytes())),
        vec!["result", "done"]
    );

    let body = json!({"participants": [{"identity": {"user": {"id": "u1"}}}]});
    let invite = json!({"op": "invite", "args": {"callId": "call-1", "body": body}});
    let events = native.run(invite.to_string().as_bytes());
    assert_eq!(events[0]["error"]["errorId"], "NotConnected", "{events:?}");
    assert!(
        emulator.requests().is_empty(),
        "nothing is sent while not connected"
    );

    let connect = json!({"op": "connect", "args": {"type": "accessToken", "accessToken": "ffi-token", "environment": "FfiLocal"}});
    let events = native.run(connect.to_string().as_bytes());
    assert_eq!(events[0]["value"]["Environment"], "FfiLocal");
    assert!(
        !events[0].to_string().contains("ffi-token"),
        "the context never holds the token"
    );

    let events = native.run(invite.to_string().as_bytes());
    assert_eq!(kinds(&events), vec!["result", "done"], "{events:?}");
    // Graph's answer as it came, with the type the shim makes its class from.
    assert_eq!(events[0]["value"]["item"]["status"], "running");
    assert_eq!(
        events[0]["value"]["type"],
        "microsoft.graph.inviteParticipantsOperation"
    );
    assert_eq!(emulator.requests()[0].body, body);

    // Cancellation: the server holds the answer for 30 s; cancel must end the call at once.
    emulator.script(
        "slow-call",
        vec![ScriptedAnswer {
            status: 200,
            delay_ms: 30_000,
            ..Default::default()
        }],
    );
    let slow = json!({"op": "invite", "args": {"callId": "slow-call", "body": body}});
    let handle = native.start(slow.to_string().as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    let cancel: Symbol<Handle> = native.sym(b"mg_call_cancel");
    let began = Instant::now();
    // SAFETY: live handle.
    assert_eq!(unsafe { cancel(handle) }, 0);
    let events = native.drain(handle);
    assert!(
        began.elapsed() < Duration::from_secs(1),
        "cancel took {:?}",
        began.elapsed()
    );
    assert_eq!(events[0]["error"]["errorId"], "Cancelled");
    native.free(handle);
    let deadline = Instant::now() + Duration::from_secs(2);
    while native.live_calls() != 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(native.live_calls(), 0);
}

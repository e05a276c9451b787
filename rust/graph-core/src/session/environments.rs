//! The named environments, as in Microsoft's module: the built-in clouds and
//! the user-defined ones, kept in Microsoft's settings file between sessions.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use once_cell::sync::Lazy;
use serde_json::Value;

use super::{read, write};
use crate::error::CoreError;
use crate::http::request::check_endpoint;
use crate::signin::Environment;

fn built_in(name: &str, aad: &str, graph: &str) -> Environment {
    Environment {
        name: name.into(),
        azure_ad_endpoint: aad.into(),
        graph_endpoint: graph.into(),
        kind: BUILT_IN.into(),
    }
}

const BUILT_IN: &str = "Built-in";
const USER_DEFINED: &str = "User-defined";

fn built_ins() -> Vec<Environment> {
    vec![
        built_in(
            "Global",
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com",
        ),
        built_in(
            "China",
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
        ),
        built_in(
            "USGov",
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us",
        ),
        built_in(
            "USGovDoD",
            "https://login.microsoftonline.us",
            "https://dod-graph.microsoft.us",
        ),
        built_in(
            "BleuCloud",
            "https://login.sovcloud-identity.fr",
            "https://graph.svc.sovcloud.fr",
        ),
        built_in(
            "DelosCloud",
            "https://login.sovcloud-identity.de",
            "https://graph.svc.sovcloud.de",
        ),
        built_in(
            "GovSGCloud",
            "https://login.sovcloud-identity.sg",
            "https://graph.svc.sovcloud.sg",
        ),
    ]
}

/// The user-defined environments and the file that keeps them between sessions
/// (`~/.mg/mg.context.json`, where Microsoft's module keeps them, so both see the same).
#[derive(Default)]
struct EnvironmentStore {
    custom: Vec<Environment>,
    file: Option<PathBuf>,
    loaded: bool,
    /// Why the file could not be read; nothing is written over it while this is set.
    load_error: Option<String>,
}

static STORE: Lazy<RwLock<EnvironmentStore>> = Lazy::new(Default::default);

/// The environment settings file the shim named, if any.
pub fn settings_file() -> Option<PathBuf> {
    read(&STORE).file.clone()
}

/// Where the shim says the settings live; the file is (re)read on the next use.
pub fn configure_settings_file(path: Option<PathBuf>) {
    let mut store = write(&STORE);
    if store.file != path {
        store.file = path;
        store.loaded = false;
        store.load_error = None;
        store.custom.clear();
    }
}

fn corrupt(path: &Path, why: impl std::fmt::Display) -> String {
    format!(
        "The environment settings file '{}' could not be read: {why}. Fix it or delete it (the built-in environments need no file).",
        path.display()
    )
}

fn load(store: &mut EnvironmentStore) {
    if store.loaded {
        return;
    }
    store.loaded = true;
    let Some(path) = store.file.clone() else {
        return;
    };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            store.load_error = Some(corrupt(&path, e));
            return;
        }
    };
    let parsed: Value = match serde_json::from_slice(&text) {
        Ok(v) => v,
        Err(e) => {
            store.load_error = Some(corrupt(&path, format!("it is not valid JSON ({e})")));
            return;
        }
    };
    let Some(table) = parsed.get("EnvironmentTable").and_then(Value::as_object) else {
        store.load_error = Some(corrupt(&path, "it has no 'EnvironmentTable' object"));
        return;
    };
    let builtins = built_ins();
    for (key, entry) in table {
        let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or("");
        let name = if field("Name").is_empty() {
            key.as_str()
        } else {
            field("Name")
        };
        if builtins.iter().any(|b| b.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        let checked = check_endpoint("GraphEndpoint", field("GraphEndpoint")).and_then(|graph| {
            Ok((
                graph,
                check_endpoint("AzureADEndpoint", field("AzureADEndpoint"))?,
            ))
        });
        match checked {
            Ok((graph_endpoint, azure_ad_endpoint)) => store.custom.push(Environment {
                name: name.to_string(),
                azure_ad_endpoint,
                graph_endpoint,
                kind: USER_DEFINED.into(),
            }),
            Err(e) => {
                store.load_error = Some(corrupt(&path, format!("environment '{name}': {e}")));
                store.custom.clear();
                return;
            }
        }
    }
}

fn save(store: &EnvironmentStore) -> Result<(), CoreError> {
    let Some(path) = &store.file else {
        return Ok(());
    };
    let table: serde_json::Map<String, Value> = store
        .custom
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                serde_json::to_value(e).unwrap_or(Value::Null),
            )
        })
        .collect();
    let text = serde_json::to_vec_pretty(&serde_json::json!({ "EnvironmentTable": table }))
        .map_err(|e| CoreError::InvalidArgument(e.to_string()))?;
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| {
            // Written beside and renamed, so a crash never leaves half a file.
            let partial = path.with_extension("json.partial");
            std::fs::write(&partial, &text)?;
            std::fs::rename(&partial, path)
        });
    written.map_err(|e| {
        CoreError::InvalidArgument(format!(
            "The environment was changed for this session but could not be saved to '{}': {e}.",
            path.display()
        ))
    })
}

/// The environments, built-in first; `name` picks one (case-insensitive).
pub fn environments(name: Option<&str>) -> Result<Vec<Environment>, CoreError> {
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    Ok(built_ins()
        .into_iter()
        .chain(store.custom.iter().cloned())
        .filter(|e| name.is_none_or(|n| e.name.eq_ignore_ascii_case(n)))
        .collect())
}

pub fn find_environment(name: &str) -> Result<Environment, CoreError> {
    if let Some(builtin) = built_ins()
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
    {
        return Ok(builtin);
    }
    environments(Some(name))?.into_iter().next().ok_or_else(|| {
        let known: Vec<String> = environments(None)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.name)
            .collect();
        CoreError::InvalidArgument(format!(
            "Environment '{name}' is not known. Known environments: {}. Add one with Add-MgEnvironment.",
            known.join(", ")
        ))
    })
}

fn refuse_built_in(name: &str, verb: &str) -> Result<(), CoreError> {
    match built_ins()
        .iter()
        .find(|b| b.name.eq_ignore_ascii_case(name))
    {
        Some(b) => Err(CoreError::InvalidArgument(format!(
            "'{}' is a built-in environment and cannot be {verb}; choose another name.",
            b.name
        ))),
        None => Ok(()),
    }
}

/// Adds a user-defined environment, or changes the endpoints given for an existing
/// one (`Set-MgEnvironment`), and saves the user-defined ones.
pub fn set_environment(
    name: &str,
    graph: Option<&str>,
    aad: Option<&str>,
) -> Result<Environment, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::InvalidArgument(
            "Name is null or empty: give the environment a name.".into(),
        ));
    }
    refuse_built_in(name, "replaced")?;
    let graph = graph
        .map(|g| check_endpoint("GraphEndpoint", g))
        .transpose()?;
    let aad = aad
        .map(|a| check_endpoint("AzureADEndpoint", a))
        .transpose()?;
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    let existing = store
        .custom
        .iter()
        .position(|e| e.name.eq_ignore_ascii_case(name));
    let environment = match (existing, graph, aad) {
        (Some(i), graph, aad) => {
            let e = &mut store.custom[i];
            if let Some(graph) = graph {
                e.graph_endpoint = graph;
            }
            if let Some(aad) = aad {
                e.azure_ad_endpoint = aad;
            }
            e.clone()
        }
        (None, Some(graph_endpoint), Some(azure_ad_endpoint)) => {
            let e = Environment {
                name: name.into(),
                graph_endpoint,
                azure_ad_endpoint,
                kind: USER_DEFINED.into(),
            };
            store.custom.push(e.clone());
            e
        }
        (None, _, _) => {
            return Err(CoreError::InvalidArgument(format!(
                "Environment '{name}' does not exist yet: give both -GraphEndpoint and -AzureADEndpoint to add it."
            )))
        }
    };
    save(&store)?;
    Ok(environment)
}

/// Removes a user-defined environment and saves the rest.
pub fn remove_environment(name: &str) -> Result<Environment, CoreError> {
    refuse_built_in(name, "removed")?;
    let mut store = write(&STORE);
    load(&mut store);
    if let Some(error) = &store.load_error {
        return Err(CoreError::InvalidArgument(error.clone()));
    }
    let Some(i) = store
        .custom
        .iter()
        .position(|e| e.name.eq_ignore_ascii_case(name))
    else {
        return Err(CoreError::InvalidArgument(format!(
            "Environment {name} not found."
        )));
    };
    let removed = store.custom.remove(i);
    save(&store)?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The environment store is process-wide; these tests take turns with it.
    static STORE_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn add(name: &str, graph: &str, aad: &str) -> Result<Environment, CoreError> {
        set_environment(name, Some(graph), Some(aad))
    }

    #[test]
    fn built_in_environments_cannot_be_replaced() {
        let _turn = STORE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        assert!(add("global", "https://x.example", "https://y.example").is_err());
        assert!(add("", "https://x.example", "https://y.example").is_err());
        assert!(remove_environment("USGov").is_err());
        let e = add("UnitTestEnv", "http://127.0.0.1:9/", "http://127.0.0.1:9").unwrap();
        assert_eq!(e.graph_endpoint, "http://127.0.0.1:9");
        assert_eq!(
            find_environment("unittestenv").unwrap().kind,
            "User-defined"
        );
        assert!(find_environment("nowhere").is_err());
        let changed =
            set_environment("unittestenv", Some("https://graph.unit.test"), None).unwrap();
        assert_eq!(changed.azure_ad_endpoint, "http://127.0.0.1:9");
        assert_eq!(changed.graph_endpoint, "https://graph.unit.test");
        assert!(set_environment("NotYet", Some("https://graph.unit.test"), None).is_err());
        remove_environment("UnitTestEnv").unwrap();
        assert!(find_environment("UnitTestEnv").is_err());
        assert!(remove_environment("UnitTestEnv").is_err());
    }

    #[test]
    fn environments_persist_in_microsofts_file_and_a_corrupt_file_is_reported() {
        let _turn = STORE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = std::env::temp_dir().join(format!("graph-core-env-{}", uuid::Uuid::new_v4()));
        let file = dir.join("mg.context.json");
        configure_settings_file(Some(file.clone()));
        add(
            "Saved",
            "https://graph.saved.test",
            "https://login.saved.test",
        )
        .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\"EnvironmentTable\""), "{text}");
        // Another process (or Microsoft's module) reads the same file.
        configure_settings_file(None);
        configure_settings_file(Some(file.clone()));
        assert_eq!(
            find_environment("saved").unwrap().graph_endpoint,
            "https://graph.saved.test"
        );
        std::fs::write(&file, "{ not json").unwrap();
        configure_settings_file(None);
        configure_settings_file(Some(file.clone()));
        let error = environments(None).unwrap_err().to_string();
        assert!(
            error.contains("mg.context.json") && error.contains("not valid JSON"),
            "{error}"
        );
        assert!(
            add("Other", "https://a.test", "https://b.test").is_err(),
            "a corrupt file is not overwritten"
        );
        assert_eq!(find_environment("Global").unwrap().name, "Global");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
        configure_settings_file(None);
        let _ = std::fs::remove_dir_all(dir);
    }
}

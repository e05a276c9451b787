//! The parts of a request a user controls: the call id in the URL, extra
//! headers, and endpoints. Each is checked before anything is sent.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use url::{Host, Url};

use crate::error::CoreError;

/// Everything but RFC 3986's unreserved characters is escaped, so the call
/// id stays one path segment whatever it holds (`/`, `?`, `#`, `%`, `..`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The longest URL a request can carry here: the `http` crate's limit for a URI.
pub const MAX_URL_LEN: usize = 65_534;

/// Refuses a URL too long to send (found by the generated-input suite: a 100,000-character
/// call id failed as a connection error after validation). `what` names the argument.
pub fn check_url_length(what: &str, url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_LEN {
        return Err(format!(
            "{what} is too long: the request URL would be {} characters, more than the {MAX_URL_LEN} an HTTP request can carry. Nothing was sent.",
            url.len()
        ));
    }
    Ok(())
}

/// Headers the invite owns; `-Headers` may not replace them.
pub const INVITE_OWNED_HEADERS: &[&str] =
    &["authorization", "host", "content-type", "content-length"];

/// Refuses a value that cannot be one path segment. Found by the generated-input suite: URL
/// rules drop a '.' or '..' segment even when it is percent-encoded (WHATWG reads %2E as '.'),
/// so the request would reach another resource.
pub fn check_segment<'a>(what: &str, value: &'a str) -> Result<&'a str, CoreError> {
    match value {
        "." | ".." => Err(CoreError::InvalidArgument(format!(
            "{what} '{value}' cannot be sent: URLs drop a '.' or '..' path segment, so the request would go elsewhere."
        ))),
        _ => Ok(value),
    }
}

pub fn escape_segment(value: &str) -> String {
    let escaped = utf8_percent_encode(value, SEGMENT).to_string();
    // "." and ".." are path navigation even when escaping leaves them alone.
    match escaped.as_str() {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => escaped,
    }
}

/// Checks a call id: present, not blank, no control characters.
pub fn check_call_id(call_id: Option<&str>) -> Result<&str, CoreError> {
    match call_id {
        None => Err(CoreError::InvalidArgument(
            "CallId is null or empty: give the id of the active call.".into(),
        )),
        Some(id) if id.trim().is_empty() => Err(CoreError::InvalidArgument(
            "CallId is null or empty: give the id of the active call.".into(),
        )),
        Some(id) if id.chars().any(char::is_control) => Err(CoreError::InvalidArgument(
            "CallId contains control characters.".into(),
        )),
        Some(id) => check_segment("CallId", id),
    }
}

/// The headers of `-Headers`, checked: names are HTTP tokens, values have no
/// CR, LF or NUL, and the headers the cmdlet owns (`owned`, lower case) are refused.
pub fn check_headers(
    headers: Option<&Value>,
    owned: &[&str],
) -> Result<Vec<(String, String)>, CoreError> {
    let map = match headers {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(CoreError::InvalidArgument(
                "Headers must be a dictionary of header names to values.".into(),
            ))
        }
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let is_token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !is_token {
            return Err(CoreError::InvalidArgument(format!(
                "Headers: '{}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only; no spaces, CR or LF).",
                name.escape_debug()
            )));
        }
        if owned.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(CoreError::InvalidArgument(format!(
                "Headers: '{name}' is set by the cmdlet and cannot be replaced."
            )));
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Null => String::new(),
            Value::Object(_) => {
                return Err(CoreError::InvalidArgument(format!(
                    "Headers: the value of '{name}' must be text, not a dictionary."
                )))
            }
        };
        if text.contains(['\r', '\n', '\0']) {
            return Err(CoreError::InvalidArgument(format!(
                "Headers: the value of '{name}' contains CR, LF or NUL, which would split the request."
            )));
        }
        // What HTTP carries unchanged (and what .NET's HttpClient accepts): anything else would be
        // re-encoded or refused on the way, so the user hears about it here, by name.
        if let Some(odd) = text
            .chars()
            .find(|c| *c != '\t' && !(' '..='~').contains(c))
        {
            return Err(CoreError::InvalidArgument(format!(
                "Headers: the value of '{name}' holds U+{:04X}, which is not printable ASCII; header values are ASCII text, spaces and tabs (encode other text first, for example with [uri]::EscapeDataString).",
                u32::from(odd)
            )));
        }
        out.push((name.clone(), text));
    }
    Ok(out)
}

/// Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An endpoint must be an absolute https URL, or http to a loopback host
/// (the emulator): bearer tokens never travel in clear text elsewhere.
pub fn check_endpoint(what: &str, endpoint: &str) -> Result<String, CoreError> {
    let url = Url::parse(endpoint).map_err(|e| {
        CoreError::InvalidArgument(format!("{what} '{endpoint}' is not an absolute URL: {e}."))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(CoreError::InvalidArgument(format!(
                "{what} '{endpoint}' uses http://, which is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https://."
            )))
        }
        other => {
            return Err(CoreError::InvalidArgument(format!(
                "{what} '{endpoint}' has scheme '{other}'; use https://."
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(CoreError::InvalidArgument(format!(
            "{what} '{endpoint}' must not carry a query, fragment or user name."
        )));
    }
    Ok(endpoint.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn call_id_is_one_segment() {
        assert_eq!(escape_segment("abc-123_x.y~z"), "abc-123_x.y~z");
        assert_eq!(escape_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(escape_segment("50%"), "50%25");
        assert_eq!(escape_segment(".."), "%2E%2E");
        assert_eq!(escape_segment("é id"), "%C3%A9%20id");
    }

    #[test]
    fn blank_call_ids_are_refused() {
        assert!(check_call_id(None).is_err());
        assert!(check_call_id(Some("  ")).is_err());
        assert!(check_call_id(Some("a\nb")).is_err());
        assert!(check_call_id(Some(".")).is_err());
        assert!(check_call_id(Some("..")).is_err());
        assert_eq!(check_call_id(Some("...")).unwrap(), "...");
        assert_eq!(check_call_id(Some("abc")).unwrap(), "abc");
    }

    #[test]
    fn headers_are_checked() {
        let ok = check_headers(
            Some(&json!({"x-ms-test": "1", "Prefer": ["a", "b"], "n": 5, "x-tab": " a\tb "})),
            INVITE_OWNED_HEADERS,
        )
        .unwrap();
        assert_eq!(ok[1], ("Prefer".to_string(), "a, b".to_string()));
        for bad in [
            json!({"Authorization": "Bearer x"}),
            json!({"HOST": "evil"}),
            json!({"content-type": "text/plain"}),
            json!({"x-a": "1\r\nInjected: yes"}),
            json!({"x\nb": "1"}),
            json!({"has space": "1"}),
            json!({"x-o": {"a": 1}}),
            // Found by the generated-input suite (rust/graph-host-tests): sent as raw UTF-8 before.
            json!({"x-fuzz-zobkh": "/\u{1f3f9}"}),
            json!({"x-c": "a\u{1}b"}),
            json!({"x-d": "\u{7f}"}),
        ] {
            assert!(
                check_headers(Some(&bad), INVITE_OWNED_HEADERS).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn endpoints_need_https_unless_loopback() {
        assert!(check_endpoint("GraphEndpoint", "https://graph.microsoft.com").is_ok());
        assert!(check_endpoint("GraphEndpoint", "http://127.0.0.1:8080").is_ok());
        assert!(check_endpoint("GraphEndpoint", "http://[::1]:8080").is_ok());
        assert!(check_endpoint("GraphEndpoint", "http://localhost:1").is_ok());
        assert!(check_endpoint("GraphEndpoint", "http://graph.example.com").is_err());
        assert!(check_endpoint("GraphEndpoint", "ftp://127.0.0.1").is_err());
        assert!(check_endpoint("GraphEndpoint", "graph.microsoft.com").is_err());
        assert_eq!(
            check_endpoint("GraphEndpoint", "https://graph.microsoft.com/").unwrap(),
            "https://graph.microsoft.com"
        );
    }
}

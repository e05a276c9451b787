//! `Invoke-MgGraphRequest`: any Graph call, through the same session, retries,
//! timeouts and error records as the invite. The shim has already turned the
//! PowerShell body into text or bytes and resolved file paths.
//!
//! The session's token goes only to the connected environment's Graph host;
//! another host needs a token of the caller's own (`-Token`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::path::PathBuf;
use url::Url;

use crate::args::{flag, text};
use crate::error::CoreError;
use crate::events::Events;
use crate::http::dispatch::{send_with_retries, Answer, Bearer, Prepared};
use crate::http::request::{check_headers, check_url_length, is_loopback};
use crate::http::retry;
use crate::http::transport::{self, Exchange, Head};
use crate::operations::files::{read_back, read_input, stream_to_file, write_file};
use crate::session::{self, Environment};

/// Headers `-Headers` may not set here: the token and the framing are ours.
const OWNED_HEADERS: &[&str] = &["authorization", "host", "content-length"];

fn refused(error_id: &'static str, message: String) -> CoreError {
    CoreError::Refused { error_id, message }
}

/// `scheme://host:port` of a URL, for comparing hosts.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Resolves `-Uri` against the environment and checks where the token may go.
pub fn resolve_uri(
    uri: &str,
    environment: &Environment,
    own_token: bool,
    query: &[(String, String)],
) -> Result<Url, CoreError> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(refused(
            "InvalidUri",
            "Uri is empty: give a path such as /v1.0/me or an absolute https:// URL.".into(),
        ));
    }
    let base = Url::parse(&format!(
        "{}/",
        environment.graph_endpoint.trim_end_matches('/')
    ))
    .map_err(|e| {
        refused(
            "InvalidUri",
            format!("The environment's GraphEndpoint is not a URL: {e}"),
        )
    })?;
    let mut url = match Url::parse(uri) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            base.join(uri.trim_start_matches('/')).map_err(|e| {
                refused(
                    "InvalidUri",
                    format!("Uri '{uri}' is not a valid path: {e}."),
                )
            })?
        }
        Err(e) => {
            return Err(refused(
                "InvalidUri",
                format!("Uri '{uri}' is not a valid URL: {e}."),
            ))
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(refused(
                "InsecureUri",
                format!("Uri '{uri}' uses http://, which carries the token in clear text; it is allowed only for loopback hosts. Use https://."),
            ))
        }
        other => {
            return Err(refused(
                "InvalidUri",
                format!("Uri '{uri}' has scheme '{other}'; use https://."),
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(
            "InvalidUri",
            format!("Uri '{uri}' must not carry a user name or password."),
        ));
    }
    if !own_token && origin(&url) != origin(&base) {
        return Err(refused(
            "ForeignHost",
            format!(
                "Uri '{uri}' is not on the connected environment's Graph host ({}): the session's token is sent only there. Nothing was sent. To call another host, give -Token with a token for it.",
                origin(&base)
            ),
        ));
    }
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    check_url_length("Uri", url.as_str()).map_err(|problem| refused("UriTooLong", problem))?;
    Ok(url)
}

fn query_pairs(args: &Value) -> Vec<(String, String)> {
    args.get("query")
        .and_then(Value::as_array)
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let name = pair.get(0)?.as_str()?;
                    let value = pair.get(1).and_then(Value::as_str).unwrap_or("");
                    Some((name.to_string(), value.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Where the body comes from and the content type it implies.
async fn body_of(args: &Value) -> Result<(Option<Vec<u8>>, &'static str), CoreError> {
    if let Some(text) = args.get("bodyText").and_then(Value::as_str) {
        return Ok((Some(text.as_bytes().to_vec()), "application/json"));
    }
    if let Some(encoded) = args.get("bodyBase64").and_then(Value::as_str) {
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|e| CoreError::InvalidArgument(format!("Body bytes: {e}")))?;
        return Ok((Some(bytes), "application/octet-stream"));
    }
    if let Some(path) = text(args, "inputFile") {
        let bytes = read_input(&path, "InputFilePath").await?;
        return Ok((Some(bytes), "application/octet-stream"));
    }
    Ok((None, "application/json"))
}

pub async fn run(args: Value, events: &Events) -> Result<(), CoreError> {
    let method_name = text(&args, "method").unwrap_or_else(|| "GET".into());
    let method =
        reqwest::Method::from_bytes(method_name.to_ascii_uppercase().as_bytes()).map_err(|_| {
            refused(
                "InvalidMethod",
                format!("Method '{method_name}' is not an HTTP method."),
            )
        })?;
    let given_token = text(&args, "token").map(SecretString::from);
    let connection = session::connection();
    let environment = match (&connection, &given_token) {
        (Ok(c), _) => c.auth.environment.clone(),
        (Err(_), Some(_)) => session::find_environment("Global")?,
        (Err(e), None) => return Err(clone_not_connected(e)),
    };
    let url = resolve_uri(
        &text(&args, "uri").unwrap_or_default(),
        &environment,
        given_token.is_some(),
        &query_pairs(&args),
    )?;

    let mut headers: Vec<(String, String)> = check_headers(
        args.get("headers").map(|h| strip_nulls(h.clone())).as_ref(),
        OWNED_HEADERS,
    )?;
    let header_content_type = take_header(&mut headers, "content-type");
    let user_agent = text(&args, "userAgent").or_else(|| take_header(&mut headers, "user-agent"));
    let (body, implied_type) = body_of(&args).await?;
    let sends_body = matches!(
        method,
        reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
    );
    // Graph wants a length on POST, PUT and PATCH even without a body.
    let body = body.or_else(|| sends_body.then(Vec::new));
    let content_type = text(&args, "contentType")
        .or(header_content_type)
        .or_else(|| {
            body.as_ref()
                .filter(|b| !b.is_empty())
                .map(|_| implied_type.to_string())
        });

    let prepared = Prepared {
        method,
        url: url.to_string(),
        body,
        content_type,
        accept: None,
        user_agent,
        headers,
    };
    let bearer = match (&given_token, &connection) {
        (Some(token), _) => Bearer::Given(token.clone()),
        (None, Ok(c)) => Bearer::Session(c.auth.as_ref()),
        (None, Err(e)) => return Err(clone_not_connected(e)),
    };
    let output_file = text(&args, "outputFile").map(PathBuf::from);
    let infer_directory = text(&args, "inferOutputDirectory").map(PathBuf::from);
    let to_file = output_file.is_some() || infer_directory.is_some();
    let context = retry::current();
    let answer = send_with_retries(&bearer, &context, &prepared, to_file, events).await?;
    let skip_error_check = flag(&args, "skipHttpErrorCheck");
    let return_body = flag(&args, "returnBody");

    let (head, saved, body) = match answer {
        Answer::Read(exchange) => {
            if !(200..300).contains(&exchange.status) && !skip_error_check {
                return Err(graph_request_error(&exchange));
            }
            let head = exchange_head(&exchange);
            let target = target_file(&head, &output_file, &infer_directory, events)?;
            if let Some(path) = &target {
                write_file(path, &exchange.body).await?;
            }
            (head, target, Some(exchange.body))
        }
        Answer::Unread(head, response) => {
            let target = target_file(&head, &output_file, &infer_directory, events)?;
            let body = match &target {
                Some(path) => {
                    let written = stream_to_file(response, path, &prepared.url).await?;
                    events.verbose(format!("Saved {written} bytes to '{}'.", path.display()));
                    if return_body {
                        Some(read_back(path).await?)
                    } else {
                        None
                    }
                }
                None => Some(
                    transport::read_exchange(response, &prepared.url, events)
                        .await?
                        .body,
                ),
            };
            (head, target, body)
        }
    };
    let mut result = json!({
        "statusCode": head.status,
        "reasonPhrase": head.reason,
        "headers": transport::headers_json(&head.headers),
        "contentType": head.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.clone()),
        "savedTo": saved.as_ref().map(|p| p.display().to_string()),
    });
    if return_body {
        if let Some(bytes) = body {
            match String::from_utf8(bytes) {
                Ok(text) => result["text"] = Value::String(text),
                Err(e) => result["base64"] = Value::String(STANDARD.encode(e.into_bytes())),
            }
        }
    }
    events.result(result, None);
    Ok(())
}

fn clone_not_connected(error: &CoreError) -> CoreError {
    match error {
        CoreError::NotConnected => CoreError::NotConnected,
        other => CoreError::InvalidArgument(other.to_string()),
    }
}

/// Header values that are `$null` are left out, as Microsoft's module does.
fn strip_nulls(mut headers: Value) -> Value {
    if let Value::Object(map) = &mut headers {
        map.retain(|_, v| !v.is_null());
    }
    headers
}

fn take_header(headers: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let index = headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))?;
    Some(headers.remove(index).1)
}

fn exchange_head(exchange: &Exchange) -> Head {
    Head {
        status: exchange.status,
        reason: exchange.reason.clone(),
        headers: exchange.headers.clone(),
    }
}

/// A Graph error as `Invoke-MgGraphRequest` reports it: Graph's code and ids, and
/// the answer's body as ErrorDetails (as Microsoft's module does, so scripts can parse it).
fn graph_request_error(exchange: &Exchange) -> CoreError {
    let mut error = transport::graph_error(exchange);
    error.response_body = Some(String::from_utf8_lossy(&exchange.body).into_owned());
    error.response_headers = Some(exchange.headers_json());
    CoreError::Graph(Box::new(error))
}

/// The file to save to: `-OutputFilePath`, or the answer's Content-Disposition
/// file name in the `-InferOutputFileName` directory.
fn target_file(
    head: &Head,
    output_file: &Option<PathBuf>,
    infer_directory: &Option<PathBuf>,
    events: &Events,
) -> Result<Option<PathBuf>, CoreError> {
    if let Some(path) = output_file {
        return Ok(Some(path.clone()));
    }
    let Some(directory) = infer_directory else {
        return Ok(None);
    };
    let disposition = head
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-disposition"))
        .map(|(_, v)| v.as_str());
    match disposition.and_then(disposition_file_name) {
        Some(name) => {
            let path = directory.join(&name);
            events.verbose(format!(
                "Inferred the file name '{name}' from Content-Disposition; saving to '{}'.",
                path.display()
            ));
            Ok(Some(path))
        }
        None => {
            events.warning(
                "The answer names no file (no Content-Disposition file name), so nothing was saved; give -OutputFilePath instead.",
            );
            Ok(None)
        }
    }
}

/// The file name of a Content-Disposition header (`filename*=UTF-8''...` first),
/// reduced to its last path component so that it cannot leave the directory.
pub fn disposition_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let encoded = value.split_once("''").map_or(value, |(_, v)| v);
                extended = percent_encoding::percent_decode_str(encoded)
                    .decode_utf8()
                    .ok()
                    .map(|s| s.into_owned());
            }
            "filename" => plain = Some(value.to_string()),
            _ => {}
        }
    }
    let name = extended.or(plain)?;
    let last = name.rsplit(['/', '\\']).next()?.trim().to_string();
    if last.is_empty() || last == "." || last == ".." || last.chars().any(char::is_control) {
        return None;
    }
    Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(graph: &str) -> Environment {
        Environment {
            name: "Test".into(),
            azure_ad_endpoint: "https://login.test".into(),
            graph_endpoint: graph.into(),
            kind: "User-defined".into(),
        }
    }

    #[test]
    fn relative_uris_resolve_against_the_environment() {
        let e = env("https://graph.microsoft.com");
        let url = resolve_uri("/v1.0/communications/calls/abc", &e, false, &[]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://graph.microsoft.com/v1.0/communications/calls/abc"
        );
        let url = resolve_uri("v1.0/users?$top=1", &e, false, &[]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://graph.microsoft.com/v1.0/users?$top=1"
        );
        let url = resolve_uri(
            "/v1.0/users",
            &e,
            false,
            &[("$filter".into(), "startswith(displayName,'a b')".into())],
        )
        .unwrap();
        assert_eq!(
            url.query(),
            Some("%24filter=startswith%28displayName%2C%27a+b%27%29")
        );
    }

    #[test]
    fn the_token_goes_only_to_the_environments_host() {
        let e = env("https://graph.microsoft.com");
        assert!(resolve_uri("https://graph.microsoft.com/v1.0/me", &e, false, &[]).is_ok());
        for foreign in [
            "https://evil.example/v1.0/me",
            "https://graph.microsoft.com.evil.example/v1.0/me",
            "https://graph.microsoft.com:8443/v1.0/me",
        ] {
            let error = resolve_uri(foreign, &e, false, &[]).unwrap_err();
            assert!(
                matches!(
                    error,
                    CoreError::Refused {
                        error_id: "ForeignHost",
                        ..
                    }
                ),
                "{foreign}"
            );
        }
        assert!(resolve_uri("https://other.example/v1.0/me", &e, true, &[]).is_ok());
        assert!(resolve_uri("http://other.example/v1.0/me", &e, true, &[]).is_err());
        assert!(resolve_uri(
            "https://user:pw@graph.microsoft.com/v1.0/me",
            &e,
            false,
            &[]
        )
        .is_err());
        assert!(resolve_uri("ftp://graph.microsoft.com/x", &e, true, &[]).is_err());
        assert!(resolve_uri("  ", &e, false, &[]).is_err());
    }

    #[test]
    fn content_disposition_names_stay_in_the_directory() {
        assert_eq!(
            disposition_file_name("attachment; filename=\"report.csv\"").as_deref(),
            Some("report.csv")
        );
        assert_eq!(
            disposition_file_name(
                "attachment; filename=a.csv; filename*=UTF-8''r%C3%A9sum%C3%A9.csv"
            )
            .as_deref(),
            Some("résumé.csv")
        );
        assert_eq!(
            disposition_file_name("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(disposition_file_name("attachment; filename=\"..\""), None);
        assert_eq!(disposition_file_name("inline"), None);
    }
}

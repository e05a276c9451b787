//! Answers written to files and bodies read from them, for `Invoke-MgGraphRequest
//! -OutputFilePath` and the generated stream commands (`-OutFile`, `-InFile`): a download is
//! written beside its target and renamed at the end, chunk by chunk, so a large answer is never
//! held in memory and one that breaks off leaves no half-written file behind.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use crate::error::CoreError;
use crate::http::transport::{self, MAX_BODY_BYTES};

fn refused(error_id: &'static str, message: String) -> CoreError {
    CoreError::Refused { error_id, message }
}

pub(crate) fn file_error(path: &Path, e: std::io::Error) -> CoreError {
    refused(
        "OutputFileUnwritable",
        format!(
            "The answer could not be saved to '{}': {e}.",
            path.display()
        ),
    )
}

/// Written beside the target and renamed at the end, so a failed download
/// never leaves half a file in place of the one that was there.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

pub(crate) async fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let partial = partial_path(path);
    tokio::fs::write(&partial, bytes)
        .await
        .map_err(|e| file_error(path, e))?;
    tokio::fs::rename(&partial, path)
        .await
        .map_err(|e| file_error(path, e))
}

/// Streams the body to the file chunk by chunk: a large answer is never held in memory.
pub(crate) async fn stream_to_file(
    mut response: reqwest::Response,
    path: &Path,
    url: &str,
) -> Result<u64, CoreError> {
    let partial = partial_path(path);
    let result = async {
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| file_error(path, e))?;
        let mut written = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            CoreError::Transport(format!(
                "The response from {url} broke off after {written} bytes: {}",
                transport::describe_transport(&e)
            ))
        })? {
            file.write_all(&chunk)
                .await
                .map_err(|e| file_error(path, e))?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(|e| file_error(path, e))?;
        drop(file);
        tokio::fs::rename(&partial, path)
            .await
            .map_err(|e| file_error(path, e))?;
        Ok(written)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    result
}

/// `-PassThru` with a file: the saved answer, when it is small enough to return.
pub(crate) async fn read_back(path: &Path) -> Result<Vec<u8>, CoreError> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| file_error(path, e))?
        .len();
    if size > MAX_BODY_BYTES as u64 {
        return Err(CoreError::InvalidResponse(format!(
            "The answer was saved to '{}', but at {size} bytes it is too large to also return with -PassThru.",
            path.display()
        )));
    }
    tokio::fs::read(path).await.map_err(|e| file_error(path, e))
}

/// A file whose bytes a request sends (`-InputFilePath`, `-InFile`); unreadable, nothing is sent.
pub(crate) async fn read_input(path: &str, parameter: &str) -> Result<Vec<u8>, CoreError> {
    tokio::fs::read(path).await.map_err(|e| {
        refused(
            "InputFileUnreadable",
            format!("{parameter} '{path}' could not be read: {e}. Nothing was sent."),
        )
    })
}

/// The bytes of the file `-InFile` names, and the content type its extension says (Graph reads
/// a transcript as WebVTT, metadata as JSON; anything else is sent as bytes).
pub(crate) async fn read_upload(
    path: Option<&serde_json::Value>,
) -> Result<(Vec<u8>, &'static str), CoreError> {
    let Some(path) = path
        .and_then(serde_json::Value::as_str)
        .filter(|p| !p.trim().is_empty())
    else {
        return Err(CoreError::InvalidArgument(
            "InFile is null or empty: give the file to upload.".into(),
        ));
    };
    let bytes = read_input(path, "InFile").await?;
    let extension = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let content_type = match extension.as_str() {
        "vtt" => "text/vtt",
        "json" => "application/json",
        "csv" => "text/csv",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    };
    Ok((bytes, content_type))
}

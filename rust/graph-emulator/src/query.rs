//! OData query options on the store's collections, as Graph applies them:
//! `$filter` (the simple `prop eq 'value'` form; anything else is ignored),
//! `$orderby` (one property, `asc`/`desc`), `$count`, `$skip`, `$top`,
//! `$select`, and server-driven paging with `$skiptoken` in `@odata.nextLink`.
//! `$expand` is parsed here and applied by `crate::expand`; `$search` is accepted and has
//! no effect (the record shows it).

use std::cmp::Ordering;

use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub(crate) struct QueryOptions {
    pub top: Option<usize>,
    pub skip: usize,
    /// Where this page starts after `$skip` (from a nextLink).
    pub skiptoken: usize,
    pub count: bool,
    pub select: Option<Vec<String>>,
    /// Property path and whether descending.
    pub orderby: Option<(Vec<String>, bool)>,
    pub filter: Option<Filter>,
    pub expand: Vec<crate::expand::Expand>,
}

/// `prop eq literal`, the property a `/`-separated path.
#[derive(Debug, PartialEq)]
pub(crate) struct Filter {
    path: Vec<String>,
    value: Value,
}

fn number(name: &str, text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("Invalid value '{text}' for query option {name}."))
}

impl QueryOptions {
    /// Parses a raw query string; a malformed `$top`, `$skip`, `$count`, `$orderby` or
    /// `$skiptoken` is Graph's 400.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, String> {
        let mut options = QueryOptions::default();
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        for (key, value) in pairs {
            match key.to_ascii_lowercase().as_str() {
                "$top" => options.top = Some(number("$top", &value)?),
                "$skip" => options.skip = number("$skip", &value)?,
                "$skiptoken" => {
                    options.skiptoken = value
                        .parse()
                        .map_err(|_| "The skip token is not valid.".to_string())?
                }
                "$count" => {
                    options.count = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("Invalid value '{value}' for $count.")),
                    }
                }
                "$select" => {
                    options.select = Some(
                        value
                            .split(',')
                            .map(|s| s.trim().split('/').next().unwrap_or("").to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    )
                }
                "$orderby" => options.orderby = Some(parse_orderby(&value)?),
                "$filter" => options.filter = parse_filter(&value),
                "$expand" => options.expand = crate::expand::parse(&value)?,
                _ => {}
            }
        }
        Ok(options)
    }
}

fn parse_orderby(text: &str) -> Result<(Vec<String>, bool), String> {
    let first = text.split(',').next().unwrap_or("").trim();
    let mut words = first.split_whitespace();
    let property = words
        .next()
        .ok_or_else(|| "$orderby names no property.".to_string())?;
    let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(format!("Invalid direction '{other}' in $orderby.")),
    };
    Ok((
        property.split('/').map(str::to_string).collect(),
        descending,
    ))
}

/// `prop eq 'text'` (with `''` for a quote), or `prop eq` a number, `true`, `false`, `null`.
fn parse_filter(text: &str) -> Option<Filter> {
    let text = text.trim();
    let (property, rest) = text.split_once(char::is_whitespace)?;
    let rest = rest.trim_start().strip_prefix("eq")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let literal = rest.trim();
    let value = if let Some(inner) = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
    {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\'' && chars.next() != Some('\'') {
                return None;
            }
            out.push(c);
        }
        Value::String(out)
    } else {
        match literal {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => Value::Number(literal.parse::<serde_json::Number>().ok()?),
        }
    };
    Some(Filter {
        path: property.split('/').map(str::to_string).collect(),
        value,
    })
}

fn at<'a>(entity: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(entity, |v, key| v.get(key))
}

impl Filter {
    pub(crate) fn matches(&self, entity: &Value) -> bool {
        match (at(entity, &self.path), &self.value) {
            (None, Value::Null) => true,
            (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Some(found), wanted) => found == wanted,
            (None, _) => false,
        }
    }
}

fn rank(value: Option<&Value>) -> u8 {
    match value {
        None | Some(Value::Null) => 0,
        Some(Value::Bool(_)) => 1,
        Some(Value::Number(_)) => 2,
        Some(Value::String(_)) => 3,
        Some(Value::Array(_)) => 4,
        Some(Value::Object(_)) => 5,
    }
}

/// Missing and null first, then booleans, numbers, strings.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Keeps the named properties, `id` and `@odata.type`, in the entity's order.
pub(crate) fn select(entity: &Value, names: Option<&[String]>) -> Value {
    match (names, entity) {
        (Some(names), Value::Object(map)) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    k.as_str() == "id" || k.as_str() == "@odata.type" || names.contains(k)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        ),
        _ => entity.clone(),
    }
}

/// One page of a collection: its items (`$select` applied), the total after `$filter`,
/// and where the next page starts (relative to `$skip`) when there is one.
pub(crate) struct Page {
    pub items: Vec<Value>,
    pub total: usize,
    pub next: Option<usize>,
}

pub(crate) fn page<'a>(
    all: impl Iterator<Item = &'a Value>,
    options: &QueryOptions,
    page_size: usize,
) -> Page {
    let mut matching: Vec<&Value> = all
        .filter(|v| options.filter.as_ref().is_none_or(|f| f.matches(v)))
        .collect();
    if let Some((path, descending)) = &options.orderby {
        matching.sort_by(|a, b| {
            let order = compare(at(a, path), at(b, path));
            if *descending {
                order.reverse()
            } else {
                order
            }
        });
    }
    let total = matching.len();
    let start = options.skip.saturating_add(options.skiptoken);
    let size = options.top.unwrap_or(usize::MAX).min(page_size.max(1));
    let end = start.saturating_add(size).min(total);
    let items = matching
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .map(|v| select(v, options.select.as_deref()))
        .collect();
    let next = (size > 0 && end < total && start < total).then(|| end - options.skip);
    Page { items, total, next }
}

/// The number of items `$filter` keeps.
pub(crate) fn count<'a>(all: impl Iterator<Item = &'a Value>, options: &QueryOptions) -> usize {
    all.filter(|v| options.filter.as_ref().is_none_or(|f| f.matches(v)))
        .count()
}

/// `base + path + ?<the request's other options>&$skiptoken=N`, the options kept as sent.
pub(crate) fn next_link(
    base_url: &str,
    raw_path: &str,
    raw_query: Option<&str>,
    token: usize,
) -> String {
    let mut pairs: Vec<String> = raw_query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            let decoded: Vec<(String, String)> =
                serde_urlencoded::from_str(&format!("{key}=")).unwrap_or_default();
            decoded
                .first()
                .is_none_or(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken"))
        })
        .map(str::to_string)
        .collect();
    pairs.push(format!("$skiptoken={token}"));
    format!("{base_url}{raw_path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn simple_filters_parse_and_others_are_ignored() {
        let f = parse_filter("state eq 'it''s'").unwrap();
        assert!(f.matches(&json!({"state": "it's"})));
        assert!(parse_filter("info/identity/user/id eq 'u1'")
            .unwrap()
            .matches(&json!({"info": {"identity": {"user": {"id": "u1"}}}})));
        assert!(parse_filter("isMuted eq true")
            .unwrap()
            .matches(&json!({"isMuted": true})));
        assert!(parse_filter("n eq 2").unwrap().matches(&json!({"n": 2.0})));
        assert!(parse_filter("a eq 'x' and b eq 'y'").is_none());
        assert!(parse_filter("startswith(a,'x')").is_none());
        assert!(parse_filter("a ne 'x'").is_none());
    }

    #[test]
    fn pages_follow_skip_top_and_the_server_size() {
        let items: Vec<Value> = (0..5)
            .map(|i| json!({"id": i.to_string(), "n": i}))
            .collect();
        let mut options = QueryOptions::parse(Some("$skip=1&$top=3&$orderby=n%20desc")).unwrap();
        let first = page(items.iter(), &options, 2);
        assert_eq!(first.total, 5);
        assert_eq!(first.items.len(), 2);
        assert_eq!(first.items[0]["n"], 3);
        assert_eq!(first.next, Some(2));
        options.skiptoken = 2;
        let second = page(items.iter(), &options, 2);
        assert_eq!(
            second
                .items
                .iter()
                .map(|v| v["n"].clone())
                .collect::<Vec<_>>(),
            vec![json!(1), json!(0)]
        );
        assert_eq!(second.next, None);
        assert!(QueryOptions::parse(Some("$top=x")).is_err());
        assert!(QueryOptions::parse(Some("$orderby=a%20sideways")).is_err());
    }

    #[test]
    fn next_links_keep_the_other_options() {
        assert_eq!(
            next_link(
                "http://h",
                "/v1.0/x",
                Some("%24top=2&%24skiptoken=4&a=b+c"),
                6
            ),
            "http://h/v1.0/x?%24top=2&a=b+c&$skiptoken=6"
        );
        assert_eq!(
            next_link("http://h", "/p", None, 2),
            "http://h/p?$skiptoken=2"
        );
    }

    #[test]
    fn select_keeps_id_and_type() {
        let v = json!({"@odata.type": "#t", "id": "1", "a": 1, "b": 2});
        assert_eq!(
            select(&v, Some(&["b".to_string()])),
            json!({"@odata.type": "#t", "id": "1", "b": 2})
        );
    }
}

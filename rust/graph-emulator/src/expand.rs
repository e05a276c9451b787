//! `$expand` on the store's items, as Graph applies it to contained collections:
//! `sessions`, or nested, `sessions($expand=segments)`; each named navigation's items are
//! put into the item under that name. A name the item's collection has no child of is
//! Graph's 400.

use serde_json::Value;

use crate::graph_shapes::CollectionShape;
use crate::store::Collection;

/// One navigation to expand, and what to expand inside its items.
#[derive(Debug, PartialEq)]
pub(crate) struct Expand {
    pub name: String,
    pub nested: Vec<Expand>,
}

/// `a,b($expand=c($expand=d))` → the tree; commas inside parentheses belong to the nested option.
pub(crate) fn parse(text: &str) -> Result<Vec<Expand>, String> {
    let mut out = Vec::new();
    for part in split_top_level(text) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (name, options) = match part.find('(') {
            Some(open) if part.ends_with(')') => (&part[..open], &part[open + 1..part.len() - 1]),
            Some(_) => return Err(format!("The $expand option '{part}' is not valid.")),
            None => (part, ""),
        };
        let mut nested = Vec::new();
        for option in split_options(options) {
            if let Some(inner) = option.trim().strip_prefix("$expand=") {
                nested = parse(inner)?;
            }
        }
        out.push(Expand {
            name: name.trim().to_string(),
            nested,
        });
    }
    Ok(out)
}

fn split_top_level(text: &str) -> Vec<&str> {
    split_at_depth_zero(text, ',')
}

/// Nested options are separated by `;` (`$expand=x;$select=y`).
fn split_options(text: &str) -> Vec<&str> {
    split_at_depth_zero(text, ';')
}

fn split_at_depth_zero(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Every name the expand tree holds is a contained collection where it stands (Graph checks the
/// option before it reads anything, so an empty list is refused as a full one).
pub(crate) fn check(shape: &'static CollectionShape, expands: &[Expand]) -> Result<(), String> {
    for expand in expands {
        let child = child_named(shape, &expand.name)?;
        check(child, &expand.nested)?;
    }
    Ok(())
}

fn child_named(
    shape: &'static CollectionShape,
    name: &str,
) -> Result<&'static CollectionShape, String> {
    shape
        .children
        .iter()
        .copied()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            format!(
                "Could not find a property named '{name}' on type 'microsoft.graph.{}'.",
                shape.entity
            )
        })
}

/// Puts into `entity` (an item of `collection`, of `shape`) the items of each expanded child.
pub(crate) fn apply(
    collection: &mut Collection,
    shape: &'static CollectionShape,
    entity: &mut Value,
    expands: &[Expand],
) -> Result<(), String> {
    let Some(id) = entity.get("id").and_then(Value::as_str).map(str::to_string) else {
        return Ok(());
    };
    for expand in expands {
        let child = child_named(shape, &expand.name)?;
        let children = collection.child_mut(&id, child.name);
        let mut items: Vec<Value> = children.values().cloned().collect();
        for item in &mut items {
            apply(children, child, item, &expand.nested)?;
        }
        if let Value::Object(map) = entity {
            map.insert(child.name.to_string(), Value::Array(items));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_expands_parse_into_a_tree() {
        let tree = parse("sessions($expand=segments),participants_v2").unwrap();
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].name, "sessions");
        assert_eq!(tree[0].nested[0].name, "segments");
        assert_eq!(tree[1].name, "participants_v2");
        assert!(tree[1].nested.is_empty());
        assert!(parse("sessions($expand=segments").is_err());
    }
}

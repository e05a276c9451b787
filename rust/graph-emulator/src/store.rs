//! The generic store: JSON entities addressed by path. Each collection keeps its
//! entities in the order they were added (an insertion-ordered `serde_json::Map`,
//! so lookups stay O(1) with thousands of participants) and, for each item, the
//! collections under it; removing an item removes everything under it.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::graph_shapes::{CollectionShape, Step};

#[derive(Default, Debug)]
pub(crate) struct Collection {
    items: Map<String, Value>,
    children: HashMap<String, HashMap<&'static str, Collection>>,
}

impl Collection {
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.items.get_mut(id)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.items.contains_key(id)
    }

    /// Adds an item, or replaces it (and forgets what was under it).
    pub(crate) fn insert(&mut self, id: String, entity: Value) {
        self.children.remove(&id);
        self.items.insert(id, entity);
    }

    /// Removes an item and everything under it; the others keep their order.
    pub(crate) fn remove(&mut self, id: &str) -> Option<Value> {
        self.children.remove(id);
        self.items.shift_remove(id)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &Value> {
        self.items.values()
    }

    /// The collection `name` under item `id` (made empty on first use).
    pub(crate) fn child_mut(&mut self, id: &str, name: &'static str) -> &mut Collection {
        // Looked up before inserting: an invite adds to a call's participants many times.
        if !self.children.contains_key(id) {
            self.children.insert(id.to_string(), HashMap::new());
        }
        self.children
            .get_mut(id)
            .expect("inserted above")
            .entry(name)
            .or_default()
    }
}

#[derive(Default, Debug)]
pub(crate) struct Store {
    roots: HashMap<&'static str, Collection>,
}

impl Store {
    pub(crate) fn root_mut(&mut self, shape: &'static CollectionShape) -> &mut Collection {
        self.roots.entry(shape.name).or_default()
    }

    /// The collection the steps name (the last step's), walking each item on the way;
    /// `Err(i)` when the item of step `i` does not exist.
    pub(crate) fn collection_mut(&mut self, steps: &[Step]) -> Result<&mut Collection, usize> {
        let mut collection = self.root_mut(steps[0].shape);
        for (i, pair) in steps.windows(2).enumerate() {
            let id = pair[0].id.as_deref().ok_or(i)?;
            if !collection.contains(id) {
                return Err(i);
            }
            collection = collection.child_mut(id, pair[1].shape.name);
        }
        Ok(collection)
    }

    /// The item the last step names; `Err(i)` when the item of step `i` does not exist.
    pub(crate) fn item_mut(&mut self, steps: &[Step]) -> Result<&mut Value, usize> {
        let last = steps.len() - 1;
        let id = steps[last].id.as_deref().ok_or(last)?;
        self.collection_mut(steps)?.get_mut(id).ok_or(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph_shapes::{CALLS, PARTICIPANTS};
    use serde_json::json;

    fn step(shape: &'static CollectionShape, id: Option<&str>) -> Step {
        Step {
            shape,
            id: id.map(str::to_string),
        }
    }

    #[test]
    fn items_keep_their_order_and_removal_takes_children() {
        let mut store = Store::default();
        let calls = store.root_mut(&CALLS);
        for id in ["a", "b", "c"] {
            calls.insert(id.into(), json!({ "id": id }));
        }
        calls
            .child_mut("b", PARTICIPANTS.name)
            .insert("p".into(), json!({"id": "p"}));
        let path = [step(&CALLS, Some("b")), step(&PARTICIPANTS, Some("p"))];
        assert!(store.item_mut(&path).is_ok());
        let calls = store.root_mut(&CALLS);
        calls.remove("b");
        let ids: Vec<_> = calls.values().map(|v| v["id"].clone()).collect();
        assert_eq!(ids, vec![json!("a"), json!("c")]);
        calls.insert("b".into(), json!({"id": "b"}));
        assert_eq!(store.item_mut(&path).err(), Some(1));
        let missing = [step(&CALLS, Some("zz")), step(&PARTICIPANTS, None)];
        assert_eq!(store.collection_mut(&missing).err(), Some(0));
    }
}

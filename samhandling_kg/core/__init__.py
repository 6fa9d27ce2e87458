"""The core: errors, vocabulary and terms, labels, organisation numbers, resources."""

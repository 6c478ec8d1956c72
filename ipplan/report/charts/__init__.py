"""One module per chart of the review pack; ``style`` holds what they share."""

"""Publishing for organisations with no feed of their own: keep the groups they run, preview
each as the card people will see, and export a signed Kindred feed, Meeting Guide JSON and
an HSDS 3.0 data package, each checked against its schema."""

"""What a run did, record by record: the push results and the error report."""

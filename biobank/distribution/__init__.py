"""Distribution: orders made from approved requests, pick lists, shipments, manifests, labels, receipt."""

"""Files the case tests upload."""

PDF = b"%PDF-1.7\n" + b"1 0 obj <<>> endobj\n" * 50  # sniffed as application/pdf

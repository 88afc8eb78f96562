"""Minutes of committee meetings (صورتجلسه): recording, signing, sealing, the PDF and the public page."""

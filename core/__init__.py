"""The bottom layer every folder may import: mixlingo's errors (:mod:`.errors`) and the notes it shows (:mod:`.notes`)."""

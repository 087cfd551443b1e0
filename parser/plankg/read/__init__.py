"""Stage 1, read: a file's bytes → text the later stages parse, with an offset map back
to the source. One reader per format (``text`` for plain text in any encoding, ``web`` for HTML, ``pdf``
(+ ``pdfgrid``), ``docx``, ``ofd``), chosen from the bytes (``detect``, ``binary``); the
binary readers write through ``compose``."""

"""What people send back: corrections from the review page and CAT tools, matched and applied.

- ``formats``, ``xml_units``, ``units``: the files read back (the review page's corrections
  JSON, XLIFF 1.2, TMX, TSV) as units, every field checked
- ``importing``: ``mtjob import``: units matched to sentences, refused or stored
- ``folder``: the output folder as one import sees it (indexed once)
- ``deciding``: what a unit means (an edit, a confirmation, nothing)
- ``propagation``: an edit reaching the same Arabic elsewhere in the folder
- ``resummarize``: an abstract remade from the corrected English
"""

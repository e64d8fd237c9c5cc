"""What people send back: corrections from the review page and CAT tools, matched and applied.

- ``formats``: the files read back (the review page's corrections JSON, XLIFF 1.2, TMX, TSV)
- ``importing``: ``mtjob import``: units matched to sentences, checked, refused or applied
- ``resummarize``: an abstract remade from the corrected English
"""

"""The Streamlit explorer: ``qualcoder explore PROJECT`` (or ``make demo``) serves it on 127.0.0.1:8501.

The explorer lives in the package (``qualcoder/explorer/app.py``, so an installed wheel has it); this file lets
``streamlit run app.py -- --project FOLDER`` work from a checkout.
"""

from qualcoder.explorer.app import main

main()

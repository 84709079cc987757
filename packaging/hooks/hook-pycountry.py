"""Replaces pyinstaller-hooks-contrib's pycountry hook (hookspath hooks take precedence).

pycountry opens its ISO JSON databases by path, so they ship as data. Its 22 MB of gettext
translations (pycountry/locales) are left out: the app shows country names in English.
"""

from PyInstaller.utils.hooks import collect_data_files, copy_metadata

datas = copy_metadata("pycountry") + collect_data_files("pycountry", excludes=["locales/**"])

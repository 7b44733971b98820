"""Content addressing: UnixFS CIDs as Kubo/Helia compute them, CARv1 files, verification.

Public API: ``profiles`` (Profile, get_profile), ``importer`` (add_path, cid_of_bytes),
``site`` (address_site), ``car`` (write_car, read_car, verify_car), ``verify`` (verify_dir),
``carfs`` (CarFS).
"""

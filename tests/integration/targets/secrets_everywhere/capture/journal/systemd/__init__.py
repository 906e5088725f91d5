"""Stands in for the systemd package: AnsibleModule.log sends to journal.send when it exists."""

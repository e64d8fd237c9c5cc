"""(face filled in below)"""

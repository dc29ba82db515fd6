"""The demo "employee" workload: the Spring Boot seed's CRUD API, in Python, behind crossgate's gateway."""

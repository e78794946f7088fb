"""KIE AI (api.kie.ai): the Market jobs API, its upload host, and the image and video skills ' models."""
